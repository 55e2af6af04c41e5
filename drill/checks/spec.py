"""What the oracle is asked to judge: CheckSpec and k6-style Thresholds, with JSON round-trip.

The conductor writes spec.json into the run folder so `harness.py check RUN_DIR`
re-judges offline with exactly the same expectations.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from drill.scenario import CHECK_IDS, DEFAULT_CHECKS
from drill.scenario.units import OPS, parse_threshold


@dataclass(frozen=True)
class Threshold:
    """`metric op value`, e.g. "delivery_p99 < 5s" -> Threshold("delivery_p99_s", "<", 5.0)."""

    metric: str
    op: str
    value: float

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"threshold {self.metric!r}: op {self.op!r} is unknown "
                             f"(known: {' '.join(OPS)})")

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """The scenario grammar (drill.scenario.units): units, aliases and % resolved."""
        return cls(*parse_threshold(text))

    def holds(self, actual: float) -> bool:
        return OPS[self.op](actual, self.value)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@dataclass(frozen=True)
class CheckSpec:
    """Expectations for one run (CONTRACTS §8). Durations are wall seconds."""

    checks: tuple[str, ...] = DEFAULT_CHECKS
    thresholds: tuple[Threshold, ...] = ()
    expect_alerts: tuple[str, ...] = ()  # rule ids that must fire
    quiet_alerts: bool = True  # no rule outside expect_alerts may fire
    max_attempts_per_order: int = 6  # retries
    max_supplier_calls_per_s: float | None = None  # retry storm guard
    failover_within_s: float | None = None  # wall seconds after the first primary fault
    notice_after_s: float | None = None  # wall seconds; slower orders need a delay notice
    # wall seconds after which the shop is configured to send a delay notice, known for every
    # scenario even where `buyer-notice` is not expected (`messages` judges it everywhere);
    # by default the reference shop's own (buyer_notice.delay_after_s 120 s at time scale 1)
    notice_delay_s: float | None = 120.0
    time_scale: float = 1.0
    expected_unresolved: tuple[str, ...] = ()  # statuses accepted at the end
    alert_window_s: float | None = None  # wall seconds; a rule fires at most once per window
    alert_within_s: float | None = None  # wall seconds from the first fault: detection deadline
    # the monitor's knobs (`[service] monitor`, durations in wall seconds): when each rule's
    # condition holds, so `alerts` can ask for an alert in every window it held (None: not
    # judged, e.g. a spec.json written before these fields)
    monitor_every_s: float | None = None
    stuck_after_s: float | None = None
    stuck_threshold: int | None = None
    low_stock_below: int | None = None
    min_completion: float = 0.9  # orders created / planned arrivals (the drill happened)
    prices: tuple[tuple[str, str], ...] = ()  # product id -> unit price ("50.00"), catalogue
    notify_reply_within_s: float = 5.0  # wall seconds the gateway waits for the shop's reply
    order_expiry_s: float | None = None  # wall seconds an unpaid order holds its keys
    alert_retry_within_s: float | None = None  # wall seconds to land a throttled alert
    # the IM channels the shop was configured to post alerts to, each owed every alert
    # (empty: not known, e.g. a spec.json written before; then the channels the sink saw)
    alert_channels: tuple[str, ...] = ()
    failback_within_s: float | None = None  # wall seconds: primary sells again after a heal
    risk_mode: str | None = None  # [service] risk.mode: block | review | pass_then_review
    risk_max_amount: str | None = None  # [service] risk.max_amount ("60.00"): above it, held
    # the reference shop's breaker ([service] supplier_policy; by default its own defaults at
    # time scale 1; None: not known. A target shop's run is judged without it, see breaker)
    breaker_failures: int | None = 5  # failures in a row that open it
    breaker_reset_s: float | None = 30.0  # wall seconds it stays open before one trial call
    breaker_processes: int = 1  # processes that call suppliers, each with its own breakers
    supplier_products: tuple[str, ...] = ()  # catalogue ids fulfilled by a supplier

    def __post_init__(self) -> None:
        unknown = [c for c in self.checks if c not in CHECK_IDS]
        if unknown:
            raise ValueError(f"CheckSpec.checks has unknown ids {unknown} "
                             f"(known: {', '.join(CHECK_IDS)})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CheckSpec:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"CheckSpec has unknown keys {unknown} (known: {sorted(known)})")
        data = dict(raw)
        for key in ("checks", "expect_alerts", "expected_unresolved", "supplier_products",
                    "alert_channels"):
            if key in data:
                data[key] = tuple(data[key])
        if "prices" in data:
            data["prices"] = tuple((str(k), str(v)) for k, v in data["prices"])
        if "thresholds" in data:
            data["thresholds"] = tuple(_threshold(t) for t in data["thresholds"])
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> CheckSpec:
        return cls.from_dict(json.loads(text))


def _threshold(raw: Any) -> Threshold:
    if isinstance(raw, Threshold):
        return raw
    if isinstance(raw, str):
        return Threshold.parse(raw)
    if isinstance(raw, dict):
        return Threshold(str(raw["metric"]), str(raw["op"]), float(raw["value"]))
    if isinstance(raw, list | tuple) and len(raw) == 3:
        return Threshold(str(raw[0]), str(raw[1]), float(raw[2]))
    raise ValueError(f"threshold {raw!r} is neither 'metric op value' nor {{metric, op, value}}")
