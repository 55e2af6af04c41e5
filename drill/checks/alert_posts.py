"""Alert posts as the IM sink saw them: which rule each names, and whether a robot took it.

Its own module so `alerts` and `messages` read posts the same way without importing
each other: `messages` judges retries of refused posts, `alerts` which rules fired
and in which windows.
"""

from __future__ import annotations

import re

from drill.checks.sources import Record, Sources

RULE_RE = re.compile(r"\[faka-alert\]\s*rule=([\w.-]+)")


def landed(m: Record) -> bool:
    """Did the robot accept this post? (`outcome` when the sink records it, else `throttled`)."""
    if m.get("outcome") is not None:
        return str(m["outcome"]) in ("accepted", "ok")
    return not m.get("throttled") and not m.get("error")


def _at(m: Record) -> float:
    try:
        return float(m.get("at") or 0.0)
    except (TypeError, ValueError):
        return 0.0


Robot = tuple[str, str]  # (channel, robot)


def delivered_alerts(src: Sources) -> dict[str, dict[Robot, list[float]]]:
    """rule -> robot -> the sorted times its distinct alerts reached that robot: a post it
    accepted, or a refused one whose retries (the same text, next on that robot) it then
    accepted, counted once at its first try."""
    by: dict[tuple[str, Robot], list[tuple[float, bool, str]]] = {}
    for m in src.messages or []:
        text = str(m.get("text", ""))
        found = RULE_RE.search(text)
        if found:
            robot = (str(m.get("channel")), str(m.get("robot")))
            by.setdefault((found.group(1), robot), []).append((_at(m), landed(m), text))
    out: dict[str, dict[Robot, list[float]]] = {}
    for (rule, robot), posts in by.items():
        posts.sort()
        times: list[float] = []
        first: tuple[float, str] | None = None  # the refused try the next ones may retry
        for at, ok, text in posts:
            if first is not None and text != first[1]:
                first = None  # another alert: the refused one was never retried
            start = at if first is None else first[0]
            if ok:
                times.append(start)
                first = None
            elif first is None:
                first = (at, text)
        out.setdefault(rule, {})[robot] = times
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
                no, at = named.group(1), _at(m)
                out[no] = min(out.get(no, at), at)
    return out


ORDER_RE = re.compile(r"\border ([0-9A-Za-z_-]+) \(")
