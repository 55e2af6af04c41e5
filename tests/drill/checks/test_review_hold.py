"""review-hold on literal histories: an order above the scenario's risk limit, held for
review, gets no goods."""

from __future__ import annotations

from drill.checks import CheckSpec, review_hold
from tests.drill.checks.literal import ONE_EACH, PRICES, purchase
from tests.drill.checks.ops import bought, op, sources

SPEC = CheckSpec(risk_mode="review", risk_max_amount="60.00", prices=(
    ("steam-50", "50.00"), ("apple-100", "100.00")))


def held(no: str, t: float) -> list[dict]:
    """A big order paid and left waiting (never delivered)."""
    return bought(no, t, product="apple-100", delivered=False)


def test_big_orders_held_and_small_ones_delivered_passes() -> None:
    hist = bought("S", 1.0) + held("B", 1.0)
    v = review_hold.check(sources(history=hist, load=ONE_EACH), SPEC)
    assert v.ok is True, v.detail
    assert v.counts["held"] == 1 and v.counts["under_limit"] == 1


def test_a_big_order_delivered_while_held_fails() -> None:
    hist = bought("S", 1.0) + bought("B", 1.0, ["K9"], product="apple-100")
    v = review_hold.check(sources(history=hist, load=ONE_EACH), SPEC)
    assert v.ok is False and v.counts["held_with_goods"] == 1
    assert v.examples[0]["order_no"] == "B" and "above the risk limit 60.00" in \
        v.examples[0]["reason"]


def test_goods_a_supplier_sold_for_a_held_order_fail_too() -> None:
    sold = dict(purchase("B", 1.2, ["S-1"]), order_no="B")
    v = review_hold.check(sources(history=held("B", 1.0), load=ONE_EACH,
                                  purchases={"primary": [sold]}), SPEC)
    assert v.ok is False


def test_quantity_counts_two_small_units_above_the_limit_are_held() -> None:
    p = "buyer-Q"
    hist = [op(p, "invoke", "create_order", 1.0, product_id="steam-50", quantity=2),
            *bought("Q", 1.0, ["K1", "K2"])[1:]]
    v = review_hold.check(sources(history=hist), SPEC)
    assert v.ok is False and v.counts["held"] == 1


def test_pass_then_review_or_no_rule_holds_nothing() -> None:
    hist = bought("B", 1.0, product="apple-100")
    for spec in (CheckSpec(risk_mode="pass_then_review", risk_max_amount="60.00"),
                 CheckSpec()):
        assert review_hold.check(sources(history=hist, load=ONE_EACH), spec).ok is None


def test_block_mode_and_the_default_mode_hold_too() -> None:
    hist = bought("B", 1.0, product="apple-100")
    for mode in ("block", None):
        spec = CheckSpec(risk_mode=mode, risk_max_amount="60.00")
        v = review_hold.check(sources(history=hist, load=ONE_EACH, meta=PRICES), spec)
        assert v.ok is False


def test_no_price_is_unknown_no_history_is_unknown() -> None:
    spec = CheckSpec(risk_mode="review", risk_max_amount="60.00")
    assert review_hold.check(sources(history=bought("B", 1.0), load=ONE_EACH), spec).ok is None
    assert review_hold.check(sources(history=None), SPEC).ok is None
