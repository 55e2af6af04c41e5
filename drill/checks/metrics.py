"""The run's headline numbers, computed once from Sources (pure).

orders_per_s is the *sustained peak* delivery rate: the most deliveries in any
5-second window, divided by 5 (a flash sale's peak, not diluted by ramp-up or
drain). orders_per_s_overall is deliveries over the span first→last delivery.
Latency is paid→delivered: paid from the gateway ledger (a fact), delivered
from the service's own stamp or the buyer's sighting (see OrderFacts).
"""

from __future__ import annotations

from typing import Any

from drill.checks.evidence import real_buyer_ops
from drill.checks.orders import order_index
from drill.checks.sources import Sources
from drill.checks.start_wait import start_waits
from drill.percentile import percentile

PEAK_WINDOW_S = 5.0



def peak_rate(times: list[float], window_s: float = PEAK_WINDOW_S) -> float:
    """Most events in any window of `window_s` seconds, per second."""
    ts = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(ts):
        while ts[lo] < t - window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    span = min(window_s, ts[-1] - ts[0]) if len(ts) > 1 else window_s
    return best / max(span, 1.0) if ts else 0.0


def latencies(src: Sources) -> dict[str, float]:
    """order_no -> paid→delivered seconds, for paid orders with a known delivery time
    (memoised: a copy, latency, thresholds and the report each ask)."""
    cached = src.cache.get("metrics.latencies")
    if cached is None:
        cached = src.cache["metrics.latencies"] = {}
        for no, o in order_index(src).items():
            paid = o.gateway_paid_at
            if paid and (at := o.delivered_at):
                cached[no] = max(0.0, at - paid)
    return dict(cached)


def _op_counts(ops: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(orders created, invokes, fails and infos) in one pass over the buyers' ops."""
    created = invokes = bad = 0
    for op in ops:
        kind = op.get("type")
        if kind == "invoke":
            invokes += 1
        elif kind == "ok":
            created += op.get("f") == "create_order"
        elif kind in ("fail", "info"):
            bad += 1
    return created, invokes, bad


def compute_metrics(src: Sources) -> dict[str, Any]:
    """The headline numbers, memoised on the Sources (a copy each call)."""
    cached = src.cache.get("metrics")
    if cached is None:
        cached = src.cache["metrics"] = _compute(src)
    return dict(cached)


def _compute(src: Sources) -> dict[str, Any]:
    idx = order_index(src)
    buyer = real_buyer_ops(src)  # a snooper refused is the shop doing right, not an error
    created, invokes, bad = _op_counts(buyer)
    if not buyer and src.export_list("orders") is not None:
        created = len(src.export_list("orders") or [])
    paid = [o for o in idx.values() if o.paid]
    if src.payments is None:  # fall back to what buyers saw
        paid = [o for o in idx.values() if o.buyer_paid]
    delivered = [o for o in paid if o.delivered]
    lat = list(latencies(src).values())
    waits = list(start_waits(src).values())
    times = [t for o in delivered if (t := o.delivered_at)]
    load = src.load or {}
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    return {
        "orders_created": created,
        "orders_paid": len(paid),
        "orders_delivered": len(delivered),
        "delivery_p50_s": _r(percentile(lat, 50)),
        "delivery_p95_s": _r(percentile(lat, 95)),
        "delivery_p99_s": _r(percentile(lat, 99)),
        "delivery_max_s": _r(max(lat) if lat else None),
        "delivery_start_p99_s": _r(percentile(waits, 99)),
        "orders_per_s": round(peak_rate(times), 2) if times else 0.0,
        "orders_per_s_overall": round(len(times) / span, 2) if span > 0 else None,
        "dropped_arrivals": int(load.get("dropped") or 0),
        "planned_arrivals": load.get("planned_arrivals"),
        "orders_started": load.get("started"),
        "error_rate": round(bad / invokes, 4) if invokes else 0.0,
    }


def metric_value(metrics: dict[str, Any], name: str) -> Any:
    """Look a threshold's metric up, accepting aliases (`delivery_p99` = `delivery_p99_s`)."""
    for key in (name, f"{name}_s", name.removesuffix("_s")):
        if key in metrics:
            return metrics[key]
    raise KeyError(name)


def _r(v: float | None) -> float | None:
    return round(v, 4) if v is not None else None
