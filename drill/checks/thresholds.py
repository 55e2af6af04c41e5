"""thresholds: the scenario's k6-style limits on non-latency metrics (rates, errors, drops).

Latency thresholds (`delivery_*`) belong to the latency check; this one judges
the rest (orders_per_s, error_rate, dropped_arrivals, orders_delivered, ...)
against the metrics computed once for the run.
"""

from __future__ import annotations

from drill.checks.latency import is_latency, judge
from drill.checks.metrics import compute_metrics
from drill.checks.said import joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict

ID = "thresholds"


def check(src: Sources, spec: CheckSpec) -> Verdict:
    mine = [t for t in spec.thresholds if not is_latency(t)]
    if not mine:
        return Verdict(ID, True, said("thresholds.none"))
    metrics = compute_metrics(src)
    failed, unknown = judge(mine, metrics)
    counts = {t.metric: metrics.get(t.metric, metrics.get(f"{t.metric}_s")) for t in mine}
    if failed:
        return Verdict(ID, False, said("thresholds.fail", failed=joined(failed)), [], counts)
    if unknown:
        return Verdict(ID, None, said("threshold.cannot", unknown=joined(unknown)), [], counts)
    return Verdict(ID, True, said("thresholds.ok", held=", ".join(str(t) for t in mine)),
                   [], counts)
