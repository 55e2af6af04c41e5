"""money-goods: every order that got goods was paid at the gateway, in full, before the goods.

Goods are whatever left the shop for an order, as outsiders saw it: the buyer
was told `delivered` or fetched cards (history), a supplier sold codes for it
(supplier ledgers), a delivery mail reached the sink; the export's deliveries
only add evidence. Paid is the gateway's word: its payment for the order is
`paid`, for exactly price × quantity (prices from the scenario's catalogue or
what buyers saw), and the money was taken before the goods went out. Goods for
an unpaid or unknown order, or before the money, are what a shop that believes
a forged, unsigned, replayed or unknown-order notify hands out; an underpaid
charge is what one that trusts the notify's or its own wrong amount takes.
"""

from __future__ import annotations

from decimal import Decimal

from drill.checks.evidence import BuyerOrder, as_float, buyer_orders, money, prices
from drill.checks.gateway_evidence import (
    accepted,
    adversarial_kind,
    is_genuine,
    notifies_by_order,
    payments_by_order,
)
from drill.checks.no_double_purchase import effective
from drill.checks.orders import PAID_STATES, example, group_purchases
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "money-goods"
DELIVERY_MAIL_KINDS = frozenset({"delivery", "delivered", "cards"})


def goods_times(src: Sources) -> dict[str, float]:
    """order_no -> the earliest moment any outside record shows goods leaving for it."""
    seen: dict[str, list[float]] = {}
    for no, b in buyer_orders(src).items():
        at = b.goods_seen_at()
        if at is not None:
            seen.setdefault(no, []).append(at)
    for no, items in group_purchases(src).items():
        seen.setdefault(no, []).extend(as_float(p.get("at")) or 0.0
                                       for _n, p in items if effective(p))
    for m in src.mails or []:
        if m.get("kind") in DELIVERY_MAIL_KINDS and m.get("order_no"):
            seen.setdefault(str(m["order_no"]), []).append(as_float(m.get("at")) or 0.0)
    for d in src.export_list("deliveries") or []:
        if d.get("order_no"):
            seen.setdefault(str(d["order_no"]), []).append(as_float(d.get("created_at")) or 0.0)
    return {no: min(ts) for no, ts in seen.items() if ts}


_TOTALS: dict[tuple[Decimal, int], Decimal] = {}  # (unit price, quantity) -> the amount


def expected_amount(b: BuyerOrder | None, price_of: dict[str, Decimal]) -> Decimal | None:
    """What the order should have cost (a run's few price x quantity pairs, computed once)."""
    if b is None or b.product_id is None or b.quantity is None:
        return None
    price = price_of.get(b.product_id)
    if price is None:
        return None
    total = _TOTALS.get((price, b.quantity))
    if total is None:
        total = (price * b.quantity).quantize(Decimal("0.01"))
        if len(_TOTALS) < 4096:
            _TOTALS[price, b.quantity] = total
    return total


def judge(goods_at: float, pay: Record | None, want: Decimal | None
          ) -> tuple[str, Said] | None:
    """(kind, reason) of what is wrong with this order's money, or None when it is right."""
    if pay is None:
        return "unknown_order", said("money-goods.no_payment")
    paid_at = as_float(pay.get("paid_at"))
    if pay.get("status") not in PAID_STATES and paid_at is None:
        return "unpaid", said("money-goods.unpaid", trade_no=str(pay.get("trade_no")),
                              status=repr(pay.get("status")))
    if paid_at is not None and goods_at < paid_at:
        return "before_payment", said("money-goods.before", s=paid_at - goods_at)
    charged = money(pay.get("money"))
    if want is not None and charged != want:
        kind = "underpaid" if charged is not None and charged < want else "amount_mismatch"
        return kind, said("money-goods.amount", charged=str(charged), want=str(want))
    return None


def _with_notify_note(why: Said, attempts: list[Record]) -> Said:
    taken = sorted({k for n in attempts if accepted(n) and (k := adversarial_kind(n))})
    return said("money-goods.note", why=why, taken=", ".join(taken)) if taken else why


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.payments is None or src.history is None:
        needed = (("the gateway payments ledger", src.payments), ("the buyer history",
                                                                  src.history))
        return missing(ID, *[name for name, value in needed if value is None])
    buyers, price_of = buyer_orders(src), prices(src, spec)
    pays, notes = payments_by_order(src), notifies_by_order(src)
    counts = dict.fromkeys(("orders_with_goods", "paid_in_full", "confirmed_by_notify",
                            "amount_not_judged", "unknown_order", "unpaid", "before_payment",
                            "underpaid", "amount_mismatch", "unmapped"), 0)
    bad: list[tuple[str, Said]] = []
    for no, at in sorted(goods_times(src).items()):
        if no not in pays and no not in buyers and no not in notes:
            counts["unmapped"] += 1  # a supplier's downstream number we cannot tie to an order
            continue
        counts["orders_with_goods"] += 1
        want = expected_amount(buyers.get(no), price_of)
        wrong = judge(at, pays.get(no), want)
        if wrong is not None:
            counts[wrong[0]] += 1
            bad.append((no, _with_notify_note(wrong[1], notes.get(no, []))))
            continue
        counts["paid_in_full" if want is not None else "amount_not_judged"] += 1
        counts["confirmed_by_notify"] += any(is_genuine(n) and accepted(n)
                                             for n in notes.get(no, []))
    if bad:
        return Verdict(ID, False, said("money-goods.fail", bad=len(bad),
                                             goods=counts["orders_with_goods"]),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["amount_not_judged"] or counts["unmapped"]:
        return Verdict(ID, None, said("money-goods.unknown", **counts), [], counts)
    return Verdict(ID, True, said("money-goods.ok", **counts), [], counts)
