"""The reservation's promise: an order the shop accepted for local stock and was paid for in
time gets its goods, not a later order.

Why: a shop that locks stock at order time refuses an order it has no key for, so every order
it accepted holds one until paid and delivered or expired. A hold that ends at payment, with
the key picked only at delivery (FOSSBilling #4130, woocommerce #17584), lets new orders take
the keys of paid orders waiting for a lagging worker: the paid order is then escalated or
refunded "out of stock" while a later order of the same product gets the key. Judged from
outside records: the buyer history (the shop accepted the order: its create reply; what the
buyer was shown at the end), the gateway ledger (paid within `order_expiry_s` of the
creation) and stock.json (the product is local stock). Such an order whose buyer was last
shown a no-goods state (manual, refund_needed, refunded, rejected) while a buyer of the same
product who ordered after it was shown goods is a finding; the export, when there is one,
enriches only by clearing an order it says was delivered later (a human's manual delivery).
Part of stock-conservation, its own concern.
"""

from __future__ import annotations

from typing import Any

from drill.checks.evidence import BuyerOrder, as_float, buyer_orders, real_buyer_ops
from drill.checks.expired_shown import first_paid
from drill.checks.orders import order_index
from drill.checks.said import said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES

NO_GOODS = frozenset({"manual", "refund_needed", "refunded", "rejected"})


def last_shown(src: Sources) -> dict[str, str]:
    """order_no -> the status the buyer's wait for delivery last ended on (not delivered)."""
    out: dict[str, tuple[float, str]] = {}
    for op in real_buyer_ops(src):
        if op.get("f") != "await_delivery" or op.get("type") not in ("fail", "info"):
            continue
        value = op.get("value") or {}
        no, t = str(value.get("order_no") or ""), as_float(op.get("time")) or 0.0
        if no and (no not in out or t >= out[no][0]):
            out[no] = (t, str(value.get("status")))
    return {no: status for no, (_t, status) in out.items()}


def _lost(b: BuyerOrder, shown: str | None, paid: float | None, expiry: float | None) -> bool:
    if b.created_at is None or paid is None or shown not in NO_GOODS:
        return False
    return b.goods_seen_at() is None and (expiry is None or paid <= b.created_at + expiry)


def lost_holds(src: Sources, spec: CheckSpec, local: set[str]
               ) -> tuple[int, list[dict[str, Any]]]:
    """Orders accepted for local stock and paid in time that ended without goods while a
    later order of the product got some: how many, and the first MAX_EXAMPLES."""
    if src.payments is None:
        return 0, []
    buyers, paid, shown = buyer_orders(src), first_paid(src), last_shown(src)
    served: dict[str, list[tuple[float, str]]] = {}
    for b in buyers.values():
        if b.product_id in local and b.created_at is not None and b.goods_seen_at() is not None:
            served.setdefault(str(b.product_id), []).append((b.created_at, b.order_no))
    facts = order_index(src) if src.export is not None else {}
    found, out = 0, list[dict[str, Any]]()
    for no, b in sorted(buyers.items(), key=lambda kv: kv[1].created_at or 0.0):
        if b.product_id not in local or not _lost(b, shown.get(no), paid.get(no),
                                                   spec.order_expiry_s):
            continue
        if no in facts and facts[no].status == "delivered":
            continue  # delivered after the buyer stopped looking (a human's hand)
        later = [n for t, n in served.get(str(b.product_id), []) if t > (b.created_at or 0.0)]
        if not later:
            continue
        found += 1
        if len(out) < MAX_EXAMPLES:
            out.append({"order_no": no, "product_id": b.product_id, "later_served": later[:5],
                        "reason": said("stock-conservation.hold_lost", pid=b.product_id,
                                       status=shown.get(no), n=len(later))})
    return found, out
