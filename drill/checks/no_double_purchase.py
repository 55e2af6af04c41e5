"""no-double-purchase: at most one effective supplier purchase per order, across suppliers.

Read from the supplier ledgers (what suppliers actually sold), not the service's
log. A purchase is effective when it was not an idempotent replay and it
handed out codes (or reported success); retries that replay the first
purchase are fine.
"""

from __future__ import annotations

from drill.checks.orders import example, group_purchases
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-double-purchase"
SUCCESS = frozenset({"ok", "success", "delivered", "committed", "commit_then_timeout"})


def effective(p: Record) -> bool:
    if p.get("replayed"):
        return False
    return bool(p.get("codes")) or str(p.get("outcome", "")).lower() in SUCCESS


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.purchases is None:
        if src.export is not None and not src.export_list("supplier_calls"):
            return Verdict(ID, True, "no supplier purchases in this run")
        return missing(ID, "supplier purchase ledgers")
    groups = group_purchases(src)
    bad: list[tuple[str, str]] = []
    total = 0
    for order_no, items in sorted(groups.items()):
        eff = [(name, p) for name, p in items if effective(p)]
        total += len(eff)
        if len(eff) > 1:
            where = ", ".join(f"{name}@{p.get('at')}" for name, p in eff)
            bad.append((order_no, f"{len(eff)} effective purchases ({where})"))
    counts = {"orders_purchased": len(groups), "effective_purchases": total,
              "purchase_calls": sum(len(v) for v in groups.values()), "orders_double": len(bad)}
    if bad:
        return Verdict(ID, False, f"{len(bad)} orders were bought more than once from suppliers",
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, f"{len(groups)} orders bought from suppliers, each at most once",
                   [], counts)
