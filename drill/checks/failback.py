"""failback: after the primary supplier recovers, traffic goes back to it within the window.

The recovery time is the last heal of a fault on the primary in faults.jsonl
(what the conductor really did); the traffic is what the suppliers' ledgers
saw. Within `failback_within_s` (the breaker's reset window, wall seconds) of
the heal the primary must sell again, and after that window no order may go
straight to a backup while the primary is healthy (one the primary refused
first may), concurrent calls included: a breaker that never half-opens, or a
shop that pins orders to the backup for good, leaves the backup selling (and
the primary idle) long after recovery.
"""

from __future__ import annotations

from drill.checks.evidence import as_float
from drill.checks.gateway_evidence import fault_at, fault_windows
from drill.checks.no_double_purchase import effective
from drill.checks.orders import example, purchase_order_map
from drill.checks.said import said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "failback"
PRIMARY = "primary"


def primary_healed_at(src: Sources) -> float | None:
    heals = [as_float(f.get("at")) for f in src.faults or []
             if f.get("action") == "heal" and PRIMARY in str(f.get("target", ""))
             and f.get("ok", True)]
    return max((t for t in heals if t is not None), default=None)


def check(src: Sources, spec: CheckSpec) -> Verdict:
    window = spec.failback_within_s
    if window is None:
        return Verdict(ID, True, said("failback.none"))
    if src.faults is None or src.purchases is None:
        needed = (("faults.jsonl", src.faults), ("supplier purchase ledgers", src.purchases))
        return missing(ID, *[name for name, value in needed if value is None])
    healed = primary_healed_at(src)
    if healed is None:
        return Verdict(ID, None, said("failback.no_heal"))
    after = [(name, p, as_float(p.get("at")) or 0.0) for name, p in src.all_purchases()
             if (as_float(p.get("at")) or 0.0) >= healed]
    back = [t for name, p, t in after if name == PRIMARY and effective(p)]
    windows = [w for w in fault_windows(src) if PRIMARY in w[2]]
    dno = purchase_order_map(src)

    def order_of(p: Record) -> str:
        return dno.get(str(p.get("downstream_order_no")), str(p.get("downstream_order_no")))

    tried_primary = {order_of(p) for name, p, _t in after if name == PRIMARY}
    stuck = sorted(((t, name, p) for name, p, t in after if name != PRIMARY and effective(p)
                    and t > healed + window and fault_at(t, windows) is None
                    and order_of(p) not in tried_primary), key=lambda s: s[0])
    counts: dict[str, float | int | None] = {"healed_at": healed, "requests_after_heal": len(after),
              "primary_sales_after_heal": len(back), "backup_sales_after_window": len(stuck)}
    since = min((w[0] for w in windows), default=healed)
    sales = [(name, as_float(p.get("at")) or 0.0) for name, p in src.all_purchases()
             if effective(p)]
    failed_over = [t for name, t in sales if name != PRIMARY and t >= since]
    counts["backup_sales_since_fault"] = len(failed_over)
    if not after:
        return Verdict(ID, None, said("failback.no_traffic"), [], counts)
    if not failed_over:  # an idle primary with no backup is no-loss/latency's finding
        return Verdict(ID, True, said("failback.nothing"), [], counts)
    first = min(back) - healed if back else None
    counts["first_primary_sale_after_s"] = None if first is None else round(first, 3)
    examples = [example(src, order_of(p), said("failback.bought", name=name, s=t - healed))
                for t, name, p in stuck[:MAX_EXAMPLES]]
    if first is None or first > window:
        when = said("failback.never") if first is None else said("failback.only", s=first)
        return Verdict(ID, False, said("failback.late", when=when, window=window), examples,
                       counts)
    if stuck:
        return Verdict(ID, False, said("failback.stuck", n=len(stuck), window=window), examples,
                       counts)
    return Verdict(ID, True, said("failback.ok", s=first, window=window), [], counts)
