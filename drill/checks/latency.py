"""latency: paid→delivered percentiles against the scenario's delivery_* thresholds.

Paid comes from the gateway ledger; delivered from the service's stamp or the
buyer's sighting (OrderFacts.delivered_at). `delivery_start_p99` is the wait from
paid to the first supplier purchase alone (drill/checks/start_wait.py): the queue in
front of the supplier calls, not their latency. Without thresholds the verdict
passes and just reports the percentiles. Non-latency thresholds are judged by
the `thresholds` check.
"""

from __future__ import annotations

from drill.checks.metrics import compute_metrics, latencies, metric_value
from drill.checks.orders import example
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec, Threshold
from drill.checks.start_wait import start_waits
from drill.checks.verdict import Verdict, missing

ID = "latency"


def is_latency(t: Threshold) -> bool:
    return t.metric.startswith("delivery_")


def judge(thresholds: list[Threshold], metrics: dict[str, object]) -> tuple[list[Said], list[Said]]:
    """(failed, unknown) descriptions for `thresholds` over `metrics`."""
    failed: list[Said] = []
    unknown: list[Said] = []
    for t in thresholds:
        try:
            actual = metric_value(metrics, t.metric)
        except KeyError:
            unknown.append(said("threshold.no_metric", t=str(t), metric=repr(t.metric)))
            continue
        if actual is None:
            unknown.append(said("threshold.no_data", t=str(t)))
        elif not t.holds(float(actual)):
            failed.append(said("threshold.failed", t=str(t), actual=actual))
    return failed, unknown


def slowest(src: Sources, mine: list[Threshold], metrics: dict[str, object],
            lat: dict[str, float]) -> list[dict[str, object]]:
    """The five slowest orders by the measure that failed: the wait before the first
    supplier call when a delivery_start threshold failed, else paid → delivered."""
    starts = [t for t in mine if t.metric.startswith("delivery_start")]
    if any(judge([t], metrics)[0] for t in starts):
        waits = start_waits(src)
        return [example(src, no, said("latency.slow_start", s=waits[no]))
                for no in sorted(waits, key=lambda no: -waits[no])[:5]]
    return [example(src, no, said("latency.slow", s=lat[no]))
            for no in sorted(lat, key=lambda no: -lat[no])[:5]]


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.payments is None:
        return missing(ID, "the gateway payments ledger (paid times)")
    metrics = compute_metrics(src)
    lat = latencies(src)
    counts = {k: metrics[k] for k in ("delivery_p50_s", "delivery_p95_s", "delivery_p99_s",
                                      "delivery_max_s", "delivery_start_p99_s")}
    counts["measured_orders"] = len(lat)
    mine = [t for t in spec.thresholds if is_latency(t)]
    figures = {"p50": metrics["delivery_p50_s"], "p95": metrics["delivery_p95_s"],
               "p99": metrics["delivery_p99_s"], "n": len(lat)}
    failed, unknown = judge(mine, metrics)
    if failed:
        return Verdict(ID, False, said("latency.fail", failed=joined(failed), **figures),
                       slowest(src, mine, metrics, lat), counts)
    if unknown:
        return Verdict(ID, None, said("threshold.cannot", unknown=joined(unknown)), [], counts)
    if mine:
        return Verdict(ID, True, said("latency.ok_held", held=", ".join(str(t) for t in mine),
                                      **figures), [], counts)
    return Verdict(ID, True, said("latency.ok", **figures), [], counts)
