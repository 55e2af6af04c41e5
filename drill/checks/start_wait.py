"""How long a paid order waited before the shop first asked a supplier for it.

Why: a shop that promises concurrent delivery (worker.concurrency) starts each paid
order's purchase at once, however slow the supplier answers; a worker that runs one job
at a time (dujiaoka #240, supervisor numprocs=1) makes every order wait for the slow
calls ahead of it. paid → delivered mixes that wait with the supplier's own latency,
retries and failover; this is the wait alone: from when the shop had the money (its
reply to the first genuine notify it accepted; the gateway's paid_at only when there is
no notify ledger; an order whose every notify was refused or lost is left out, the shop
learned of it later, by its own query) to the first purchase any supplier's ledger
recorded for the order (outside records only). The `delivery_start_p99` threshold
judges it (latency check).
"""

from __future__ import annotations

from drill.checks.evidence import as_float
from drill.checks.gateway_evidence import shop_knew_at
from drill.checks.orders import order_index
from drill.checks.sources import Sources


def start_waits(src: Sources) -> dict[str, float]:
    """order_no -> seconds from the shop having the money to its first supplier purchase,
    for paid orders a supplier was asked for (memoised)."""
    cached = src.cache.get("start_wait.waits")
    if cached is not None:
        return dict(cached)
    first: dict[str, float] = {}
    for _name, p in src.all_purchases():
        no, at = p.get("downstream_order_no"), as_float(p.get("at"))
        if no and at is not None and (str(no) not in first or at < first[str(no)]):
            first[str(no)] = at
    idx = order_index(src) if first else {}
    knew = shop_knew_at(src) if first and src.notifies is not None else None
    out: dict[str, float] = {}
    for no, at in first.items():
        o = idx.get(no)
        if o is None or o.gateway_paid_at is None or (knew is not None and no not in knew):
            continue
        out[no] = max(0.0, at - max(o.gateway_paid_at, (knew or {}).get(no, 0.0)))
    src.cache["start_wait.waits"] = out
    return dict(out)
