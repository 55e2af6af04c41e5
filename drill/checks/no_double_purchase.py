"""no-double-purchase: suppliers never sell an order more units than it needs, across suppliers.

Read from the supplier ledgers (what suppliers actually sold), not the service's
log. A purchase is effective when it was not an idempotent replay and it handed
out codes, reported success, or was accepted for asynchronous fulfilment (and not
cancelled after). Retries that replay the first purchase are fine; so is topping
up a partial fulfilment, or buying again after a cancel. A purchase is a double
when, at the moment it was made, the order's earlier effective purchases already
held its quantity: delivered units, plus every unit of an accepted order still
processing then (a shop that takes "not found while processing" for failure and
buys elsewhere is caught here, even if the supplier delivers later).
"""

from __future__ import annotations

from drill.checks.evidence import as_float, as_int, buyer_orders
from drill.checks.orders import example, group_purchases
from drill.checks.said import Said, joined, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-double-purchase"
SUCCESS = frozenset({"ok", "success", "delivered", "committed", "commit_then_timeout",
                     "accepted"})


def effective(p: Record) -> bool:
    if p.get("replayed"):
        return False
    if p.get("status") == "cancelled" and not p.get("codes"):
        return False  # accepted, then cancelled: nothing was sold
    return bool(p.get("codes")) or str(p.get("outcome", "")).lower() in SUCCESS


def held_at(p: Record, t: float) -> int:
    """Units this effective purchase held for its order at time t: its codes once delivered,
    every unit asked while it was still processing."""
    codes = len(p.get("codes") or [])
    if p.get("status") in (None, "delivered", "partially_delivered") and (
            as_float(p.get("delivered_at")) or as_float(p.get("at")) or 0.0) <= t:
        return codes or as_int(p.get("quantity")) or 1
    return as_int(p.get("quantity")) or codes or 1


def doubles(items: list[tuple[str, Record]], ordered: int | None) -> list[Said]:
    """The purchases made while earlier ones already held the order's quantity."""
    eff = sorted(((as_float(p.get("at")) or 0.0, name, p) for name, p in items if effective(p)),
                 key=lambda e: e[0])
    if not eff:
        return []
    need = ordered or as_int(eff[0][2].get("quantity")) or 1
    out: list[Said] = []
    for i, (t, name, _p) in enumerate(eff[1:], start=1):
        held = sum(held_at(q, t) for _t, _n, q in eff[:i])
        if held >= need:
            out.append(said("no-double-purchase.double", name=name, t=t, held=held, need=need,
                            earlier=", ".join(f"{n}@{e}" for e, n, _q in eff[:i])))
    return out


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.purchases is None:
        if src.export is not None and not src.export_list("supplier_calls"):
            return Verdict(ID, True, said("no-double-purchase.none"))
        return missing(ID, "supplier purchase ledgers")
    groups = group_purchases(src)
    buyers = buyer_orders(src)
    bad: list[tuple[str, Said]] = []
    total = 0
    for order_no, items in sorted(groups.items()):
        total += sum(1 for _n, p in items if effective(p))
        b = buyers.get(order_no)
        found = doubles(items, b.quantity if b is not None else None)
        if found:
            bad.append((order_no, said("no-double-purchase.effective", n=len(found) + 1,
                                        which=joined(found[:3]))))
    counts = {"orders_purchased": len(groups), "effective_purchases": total,
              "purchase_calls": sum(len(v) for v in groups.values()), "orders_double": len(bad)}
    if bad:
        return Verdict(ID, False, said("no-double-purchase.fail", n=len(bad)),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("no-double-purchase.ok", n=len(groups)),
                   [], counts)
