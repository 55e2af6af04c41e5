"""Durations ("20s", "2m", "500ms", 1.5) and k6-style thresholds ("delivery_p99 < 5s").

The one grammar for both: the scenario model validates with it, and the
oracle's `Threshold.parse` reads spec strings with it, so a threshold means
the same thing in the file, in spec.json and in the report.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Annotated

from pydantic import BeforeValidator, Field

UNITS: dict[str | None, float] = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_THRESHOLD = re.compile(
    r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|%)?\s*$"
)

METRICS = (
    "orders_created", "orders_paid", "orders_delivered", "delivery_p50_s", "delivery_p95_s",
    "delivery_p99_s", "delivery_start_p99_s", "orders_per_s", "dropped_arrivals", "error_rate",
)
# delivery_start_*: paid → the first supplier purchase (drill/checks/start_wait.py)
TIME_METRICS = ("delivery_p50_s", "delivery_p95_s", "delivery_p99_s", "delivery_start_p99_s")
RATIO_METRICS = ("error_rate",)


def parse_duration(value: object) -> float:
    """Seconds from a number or a string like "500ms", "20s", "2m", "1h"."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration; write e.g. \"20s\", \"2m\" or 15")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite duration; write e.g. \"20s\" or 15")
        if value < 0:
            raise ValueError(f"{value!r} is negative; durations are >= 0")
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return float(m.group(1)) * UNITS[m.group(2)]
    raise ValueError(f"{value!r} is not a duration; write e.g. \"500ms\", \"20s\", \"2m\" or 15")


def metric_name(name: str) -> str:
    """Resolve an alias (`delivery_p99`) to the canonical metric (`delivery_p99_s`)."""
    if name in METRICS:
        return name
    if f"{name}_s" in METRICS:
        return f"{name}_s"
    raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")


def parse_threshold(text: str) -> tuple[str, str, float]:
    """`"delivery_p99 < 5s"` -> `("delivery_p99_s", "<", 5.0)`; seconds for times, % as a ratio.

    A unit on a metric that is not a time is refused (`orders_created > 5s`)."""
    m = _THRESHOLD.match(text)
    if not m:
        raise ValueError(
            f"{text!r} is not a threshold; write '<metric> <op> <value>', e.g. "
            "\"delivery_p99 < 5s\" or \"error_rate < 1%\""
        )
    metric = metric_name(m.group(1))
    value, unit = float(m.group(3)), m.group(4)
    if unit == "%":
        if metric not in RATIO_METRICS:
            raise ValueError(f"{text!r}: {metric} is not a ratio, so '%' does not apply; "
                             f"'%' is for {', '.join(RATIO_METRICS)}")
        value /= 100.0
    elif unit is not None:
        if metric not in TIME_METRICS:
            raise ValueError(f"{text!r}: {metric} is not a time, so drop the unit {unit!r}")
        value *= UNITS[unit]
    return metric, m.group(2), value


Wall = Annotated[float, BeforeValidator(parse_duration)]
PositiveWall = Annotated[float, BeforeValidator(parse_duration), Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
