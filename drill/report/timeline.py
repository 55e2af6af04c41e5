"""Time series for the report's charts, computed from Sources (pure, no plotting).

Times are seconds since the run's reference start (load start, else the first
recorded event), binned so a long run still gives ~≤150 points.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from drill.checks.alerts import fired_rules
from drill.checks.orders import order_index
from drill.checks.sources import Sources
from drill.percentile import percentile
from drill.report.summary import fault_windows


@dataclass
class Timeline:
    t0: float
    bin_s: float
    bins: list[float] = field(default_factory=list)  # bin start, seconds since t0
    delivered_per_s: list[float] = field(default_factory=list)
    p50_s: list[float | None] = field(default_factory=list)
    p99_s: list[float | None] = field(default_factory=list)
    cumulative: dict[str, list[int]] = field(default_factory=dict)  # created/paid/delivered
    faults: list[dict[str, Any]] = field(default_factory=list)  # with start/end relative
    alerts: dict[str, list[float]] = field(default_factory=dict)
    supplier_outcomes: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.bins


def _created_times(src: Sources) -> list[float]:
    return [float(op["time"]) for op in src.buyer_ops()
            if op.get("f") == "create_order" and op.get("type") == "ok" and op.get("time")]


def build_timeline(src: Sources) -> Timeline:
    idx = order_index(src)
    created = _created_times(src)
    paid = [o.gateway_paid_at for o in idx.values() if o.gateway_paid_at]
    delivered = [(o.delivered_at, o.delivered_at - o.gateway_paid_at) for o in idx.values()
                 if o.gateway_paid_at and o.delivered_at]
    everything = created + paid + [d for d, _ in delivered]
    load = src.load or {}
    t0 = float(load.get("started_at") or (min(everything) if everything else 0.0))
    end = max(everything, default=t0)
    span = max(1.0, end - t0)
    bin_s = max(1.0, round(span / 150.0))
    n = int(span // bin_s) + 1
    tl = Timeline(t0=t0, bin_s=bin_s, bins=[i * bin_s for i in range(n)])
    per_bin: dict[int, list[float]] = defaultdict(list)
    for at, lat in delivered:
        per_bin[min(n - 1, max(0, int((at - t0) // bin_s)))].append(lat)
    tl.delivered_per_s = [len(per_bin[i]) / bin_s for i in range(n)]
    tl.p50_s = [percentile(per_bin[i], 50) for i in range(n)]
    tl.p99_s = [percentile(per_bin[i], 99) for i in range(n)]
    done = [d for d, _ in delivered]
    for name, times in (("created", created), ("paid", paid), ("delivered", done)):
        counts = Counter(min(n - 1, max(0, int((t - t0) // bin_s))) for t in times)
        run, series = 0, []
        for i in range(n):
            run += counts[i]
            series.append(run)
        tl.cumulative[name] = series
    for w in fault_windows(src):
        if w["start"] is not None:
            tl.faults.append({**w, "start": float(w["start"]) - t0,
                              "end": (float(w["end"]) - t0) if w["end"] is not None else None})
    tl.alerts = {rule: [t - t0 for t in times] for rule, times in fired_rules(src).items()}
    for name, items in (src.purchases or {}).items():
        c: Counter[str] = Counter()
        for p in items:
            c["replayed" if p.get("replayed") else str(p.get("outcome") or "unknown")] += 1
        tl.supplier_outcomes[name] = dict(c)
    return tl
