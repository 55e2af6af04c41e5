"""Alert posts as the IM sink saw them: which rule each names, and whether a robot took it.

Its own module so `alerts` and `messages` read posts the same way without importing
each other: `messages` judges retries of refused posts, `alerts` which rules fired
and in which windows.
"""

from __future__ import annotations

import math
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


def served_windows(src: Sources, window_s: float, grace_s: float) -> dict[str, set[int]]:
    """rule -> the windows (index = floor(at / window_s), the shop's alignment) a post of it
    served: a post the robot accepted, or one it refused whose same text later landed on the
    same robot (the retry delivers that alert). A post within `grace_s` after a window's end
    may be that window's alert still in the outbox, so it serves the window before too."""
    last_ok: dict[tuple[str, str, str], float] = {}
    tried: list[tuple[str, tuple[str, str, str], float]] = []
    for m in src.messages or []:
        found = RULE_RE.search(str(m.get("text", "")))
        if not found:
            continue
        key, at = (str(m.get("channel")), str(m.get("robot")), str(m.get("text", ""))), _at(m)
        tried.append((found.group(1), key, at))
        if landed(m):
            last_ok[key] = max(last_ok.get(key, at), at)
    out: dict[str, set[int]] = {}
    for rule, key, at in tried:
        if last_ok.get(key, -math.inf) >= at:
            k = math.floor(at / window_s)
            windows = out.setdefault(rule, set())
            windows.add(k)
            if at - k * window_s < grace_s:
                windows.add(k - 1)
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
