"""review-hold: an order the scenario's risk rule holds for review (or blocks) gets no goods.

The rule is the scenario's `[service] risk`: in `review` mode a paid order above
`max_amount` waits for a human, in `block` mode (the reference shop's default when a
scenario sets only the amount) it is refused or refunded; `pass_then_review`
(先放行,后审核) delivers first, so nothing is held. The amount is what the buyer
ordered, price × quantity (the scenario's catalogue, else the prices buyers saw);
goods are whatever outside records show leaving for the order (money-goods'
`goods_times`: the buyer told `delivered` or fetching cards, a supplier selling for
it, a delivery mail). Outside records cannot show a human approving an order, so a
scenario whose operator approves held orders must not name this check (it is opt-in).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from drill.checks.evidence import buyer_orders, money, prices
from drill.checks.money_goods import expected_amount, goods_times
from drill.checks.orders import example
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "review-hold"
HOLDING = frozenset({"review", "block"})


def limit(spec: CheckSpec) -> Decimal | None:
    """The amount above which the rule holds an order, None when the rule holds nothing."""
    if spec.risk_max_amount is None or (spec.risk_mode or "block") not in HOLDING:
        return None
    try:
        return Decimal(spec.risk_max_amount)
    except InvalidOperation:
        return None


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None:
        return missing(ID, "the buyer history")
    top = limit(spec)
    if top is None:
        return Verdict(ID, None, said("review-hold.no_rule", mode=str(spec.risk_mode),
                                      limit=str(spec.risk_max_amount)))
    price_of, goods = prices(src, spec), goods_times(src)
    counts = dict.fromkeys(("orders", "held", "held_with_goods", "under_limit",
                            "amount_not_judged"), 0)
    bad: list[tuple[str, Said]] = []
    for no, b in sorted(buyer_orders(src).items()):
        counts["orders"] += 1
        amount = expected_amount(b, price_of)
        if amount is None:
            counts["amount_not_judged"] += 1
            continue
        if amount <= top:
            counts["under_limit"] += 1
            continue
        counts["held"] += 1
        if no in goods:
            counts["held_with_goods"] += 1
            bad.append((no, said("review-hold.delivered", amount=str(money(amount)),
                                 limit=str(top), mode=spec.risk_mode or "block")))
    if bad:
        return Verdict(ID, False, said("review-hold.fail", bad=len(bad), limit=str(top),
                                       **counts),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["amount_not_judged"] and not counts["held"]:
        return Verdict(ID, None, said("review-hold.unknown", limit=str(top), **counts), [],
                       counts)
    return Verdict(ID, True, said("review-hold.ok", limit=str(top), **counts), [], counts)
