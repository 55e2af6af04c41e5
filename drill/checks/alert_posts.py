"""Alert posts as the IM sink saw them: which rule each names, and whether a robot took it.

Its own module so `alerts` and `messages` read posts the same way without importing
each other: `messages` judges retries of refused posts, `alerts` which rules fired
and in which windows.
"""

from __future__ import annotations

import re
from collections import defaultdict

from drill.checks.evidence import as_float
from drill.checks.sources import Record, Sources

RULE_RE = re.compile(r"\[faka-alert\]\s*rule=([\w.-]+)")


def landed(m: Record) -> bool:
    """Did the robot accept this post? (`outcome` when the sink records it, else `throttled`)."""
    if m.get("outcome") is not None:
        return str(m["outcome"]) in ("accepted", "ok")
    return not m.get("throttled") and not m.get("error")


Post = tuple[float, bool, str]  # (at, accepted, text: a retry resends the same text)


def posts(src: Sources) -> dict[tuple[str, str, str], list[Post]]:
    """(rule, channel, robot) -> its posts in time order."""
    out: dict[tuple[str, str, str], list[Post]] = defaultdict(list)
    for m in src.messages or []:
        found = RULE_RE.search(str(m.get("text", "")))
        if found:
            key = (found.group(1), str(m.get("channel")), str(m.get("robot")))
            out[key].append((as_float(m.get("at")) or 0.0, landed(m), str(m.get("text", ""))))
    return {k: sorted(v) for k, v in out.items()}


Robot = tuple[str, str]  # (channel, robot)


def delivered_alerts(src: Sources) -> dict[str, dict[Robot, list[float]]]:
    """rule -> robot -> the sorted times its distinct alerts reached that robot: a post it
    accepted, or a refused one whose retries (the same text, next on that robot) it then
    accepted, counted once at its first try."""
    out: dict[str, dict[Robot, list[float]]] = {}
    for (rule, channel, robot), sent in posts(src).items():
        times: list[float] = []
        first: tuple[float, str] | None = None  # the refused try the next ones may retry
        for at, ok, text in sent:
            if first is not None and text != first[1]:
                first = None  # another alert: the refused one was never retried
            start = at if first is None else first[0]
            if ok:
                times.append(start)
                first = None
            elif first is None:
                first = (at, text)
        out.setdefault(rule, {})[(channel, robot)] = times
    return out


def named_orders(src: Sources, rule: str) -> dict[str, float]:
    """order_no -> when a post of `rule` first named it ("order <no> (...) needs manual
    delivery": the shop's own word that the order was in that state then)."""
    out: dict[str, float] = {}
    for m in src.messages or []:
        text = str(m.get("text", ""))
        found = RULE_RE.search(text)
        if found and found.group(1) == rule:
            named = ORDER_RE.search(text, found.end())
            if named:
                no, at = named.group(1), as_float(m.get("at")) or 0.0
                out[no] = min(out.get(no, at), at)
    return out


ORDER_RE = re.compile(r"\border ([0-9A-Za-z_-]+) \(")
