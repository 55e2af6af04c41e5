"""Stop conditions (`[expect] abort`): "<metric> <op> <value> [for <duration>]".

As AWS FIS stop conditions and Chaos Toolkit tolerances: when the shop is
hurt more than the drill meant to hurt it, stop. The threshold part is the
k6-style grammar of `[expect] thresholds` (units.py), restricted to what can
be measured live from the buyers' ops; ``for 10s`` asks that it hold that long
without a break (default: at once). drill/faults/abort.py evaluates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drill.scenario.units import OPS, parse_duration, parse_threshold

ABORT_METRICS = ("error_rate", "delivery_p50_s", "delivery_p95_s", "delivery_p99_s")
_FOR = re.compile(r"^(?P<head>.*?)\s+for\s+(?P<for>\S+)\s*$")


@dataclass(frozen=True, slots=True)
class AbortRule:
    """One stop condition: `metric op value` held for `for_s` seconds."""

    text: str
    metric: str
    op: str
    value: float
    for_s: float = 0.0

    def holds(self, measured: float) -> bool:
        return OPS[self.op](measured, self.value)


def parse_abort_rule(text: str) -> AbortRule:
    """`"error_rate > 50% for 10s"` -> AbortRule; ValueError naming the fix otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a stop condition; write a string like "
                         "\"error_rate > 50% for 10s\"")
    head, for_s = text, 0.0
    m = _FOR.match(text)
    if m:
        head = m.group("head")
        try:
            for_s = parse_duration(m.group("for"))
        except ValueError:
            raise ValueError(f"{text!r}: 'for {m.group('for')}' is not a duration; write e.g. "
                             "\"error_rate > 50% for 10s\"") from None
    try:
        metric, op, value = parse_threshold(head)
    except ValueError as exc:
        if "is not a threshold" not in str(exc):     # a known shape: unit or metric wrong
            raise ValueError(f"stop condition {exc}") from None
        raise ValueError(f"{text!r} is not a stop condition; write "
                         "'<metric> <op> <value> [for <duration>]', e.g. "
                         "\"error_rate > 50% for 10s\" or \"delivery_p99 > 30s\"") from None
    if metric not in ABORT_METRICS:
        raise ValueError(f"{text!r}: {metric} is not measured live; a stop condition uses "
                         f"one of {', '.join(ABORT_METRICS)}")
    if for_s > 3600:
        raise ValueError(f"{text!r}: 'for {for_s:g}s' is over an hour; a stop condition "
                         "must be able to fire during the drill")
    return AbortRule(text, metric, op, value, for_s)
