"""failover: after the first primary-supplier fault, backup deliveries start within the window;
and in every drill, no order a supplier refused outright is left without goods while another
supplier with stock was never asked (drill.checks.refusal).

The fault time comes from faults.jsonl (what the conductor really injected);
the first backup delivery from the backup supplier's ledger (an effective
purchase) or, failing that, the export's deliveries with source=backup. The refusals and
who was asked come from the suppliers' ledgers, the goods from them and the buyer history.
"""

from __future__ import annotations

from drill.checks.no_double_purchase import effective
from drill.checks.orders import example, order_index
from drill.checks.refusal import Unasked, unasked
from drill.checks.said import said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "failover"


def primary_fault_at(src: Sources) -> float | None:
    times = [float(f["at"]) for f in src.faults or []
             if f.get("action") == "inject" and "primary" in str(f.get("target", ""))
             and f.get("ok", True) and f.get("at") is not None]
    return min(times) if times else None


def check(src: Sources, spec: CheckSpec) -> Verdict:
    verdict = within_window(src, spec)
    judged = src.purchases is not None and src.stock is not None
    stranded = unasked(src, spec.breaker_reset_s) if judged else []
    if not stranded:
        return verdict
    first = stranded[0]
    counts = {**verdict.counts, "refused_never_offered": len(stranded)}
    return Verdict(ID, False, said("failover.unasked", n=len(stranded), by=first.refused_by,
                                   outcome=first.outcome, spare=", ".join(first.spare)),
                   [_unasked_example(src, u) for u in stranded[:MAX_EXAMPLES]], counts)


def _unasked_example(src: Sources, u: Unasked) -> dict[str, object]:
    story = example(src, u.order_no, said("failover.never_offered", by=u.refused_by,
                                          outcome=u.outcome, spare=", ".join(u.spare),
                                          qty=u.quantity, sku=u.sku))
    return {**story, "refused_at": u.at, "spare_suppliers": list(u.spare)}


def within_window(src: Sources, spec: CheckSpec) -> Verdict:
    """The scenario's `failover_within`: backup sales start soon enough after the fault."""
    window = spec.failover_within_s
    if window is None:
        return Verdict(ID, True, said("failover.none"))
    if src.faults is None:
        return missing(ID, "faults.jsonl")
    if src.purchases is None and src.export is None:
        return missing(ID, "supplier purchase ledgers", src.export_missing())
    fault_at = primary_fault_at(src)
    if fault_at is None:
        return Verdict(ID, None, said("failover.no_fault"))
    backup_times = [float(p["at"]) for name, p in src.all_purchases()
                    if name != "primary" and effective(p) and p.get("at") is not None
                    and float(p["at"]) >= fault_at]
    backup_times += [float(d["created_at"]) for d in src.export_list("deliveries") or []
                     if d.get("source") == "backup" and d.get("created_at") is not None
                     and float(d["created_at"]) >= fault_at]
    waiting = sorted(o.order_no for o in order_index(src).values()
                     if o.gateway_paid_at and o.gateway_paid_at >= fault_at
                     and (not o.delivered_at or o.delivered_at - fault_at > window))
    counts = {"fault_at": fault_at, "backup_deliveries_after": len(backup_times)}
    if not backup_times:
        return Verdict(ID, False, said("failover.no_backup", at=fault_at),
                       [example(src, no, said("failover.not_delivered"))
                        for no in waiting[:MAX_EXAMPLES]], counts)
    first = min(backup_times) - fault_at
    counts["first_backup_after_s"] = round(first, 3)
    if first > window:
        return Verdict(ID, False, said("failover.late", s=first, limit=window),
                       [example(src, no, said("failover.waited"))
                        for no in waiting[:MAX_EXAMPLES]],
                       counts)
    return Verdict(ID, True, said("failover.ok", s=first, limit=window), [], counts)
