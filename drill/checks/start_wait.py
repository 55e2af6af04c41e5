"""How long a paid order waited before the shop first asked a supplier for it.

Why: a shop that promises concurrent delivery (worker.concurrency) starts each paid
order's purchase at once, however slow the supplier answers; a worker that runs one job
at a time (dujiaoka #240, supervisor numprocs=1) makes every order wait for the slow
calls ahead of it. paid → delivered mixes that wait with the supplier's own latency,
retries and failover; this is the wait alone: the gateway's paid_at (a fact) to the
first purchase any supplier's ledger recorded for the order (outside records only).
The `delivery_start_p99` threshold judges it (latency check).
"""

from __future__ import annotations

from drill.checks.evidence import as_float
from drill.checks.orders import order_index
from drill.checks.sources import Sources


def start_waits(src: Sources) -> dict[str, float]:
    """order_no -> seconds from paid at the gateway to its first supplier purchase, for
    paid orders a supplier was asked for (memoised)."""
    cached = src.cache.get("start_wait.waits")
    if cached is not None:
        return dict(cached)
    first: dict[str, float] = {}
    for _name, p in src.all_purchases():
        no, at = p.get("downstream_order_no"), as_float(p.get("at"))
        if no and at is not None and (str(no) not in first or at < first[str(no)]):
            first[str(no)] = at
    idx = order_index(src) if first else {}
    out: dict[str, float] = {}
    for no, at in first.items():
        o = idx.get(no)
        if o is not None and o.gateway_paid_at is not None:
            out[no] = max(0.0, at - o.gateway_paid_at)
    src.cache["start_wait.waits"] = out
    return dict(out)
