from dataclasses import dataclass, field

from drill.checks import CheckSpec, money_goods
from tests.drill.checks.literal import ONE_EACH, PRICES, notify, purchase, unpaid
from tests.drill.checks.ops import bought, op, paid, sources

SPEC = CheckSpec()


def test_orders_paid_in_full_before_their_goods_pass() -> None:
    src = sources(history=bought("A", 100.0) + bought("B", 100.0),
                  payments=[paid("A", 100.03), paid("B", 100.03)],
                  notifies=[notify("A", 100.04), notify("B", 100.04)], load=ONE_EACH,
                  meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is True, v.detail
    assert v.counts["paid_in_full"] == 2 and v.counts["confirmed_by_notify"] == 2


def test_goods_for_an_order_nobody_paid_fail_with_the_forged_notify_in_evidence() -> None:
    forged = notify("C", 100.04, adversarial="bad_sign", signed=False)
    src = sources(history=bought("A", 100.0) + bought("C", 100.0),
                  payments=[paid("A", 100.03), unpaid("C")],
                  notifies=[notify("A", 100.04), forged], load=ONE_EACH, meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is False
    assert v.counts["unpaid"] == 1 and v.counts["paid_in_full"] == 1
    (ex,) = v.examples
    assert ex["order_no"] == "C" and "never took the money" in ex["reason"]
    assert "accepted must-refuse notifies (bad_sign)" in ex["reason"]
    assert ex["gateway_notifies"] == [forged]
    assert {o["f"] for o in ex["history"]} >= {"create_order", "fetch_card"}


def test_goods_for_an_order_the_gateway_never_heard_of_fail() -> None:
    src = sources(history=bought("Z", 1.0), payments=[], notifies=[], load=ONE_EACH, meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is False and v.counts["unknown_order"] == 1
    assert "no payment for this order" in v.examples[0]["reason"]


def test_a_supplier_number_nobody_can_tie_to_an_order_is_unknown_not_a_finding() -> None:
    src = sources(history=bought("A", 100.0), payments=[paid("A", 100.03)], load=ONE_EACH,
                  meta=PRICES, purchases={"primary": [purchase("key-7f3a", 101.0, ["X1"])]})
    v = money_goods.check(src, SPEC)
    assert v.ok is None and v.counts["unmapped"] == 1 and v.counts["paid_in_full"] == 1


def test_a_charge_below_price_times_quantity_is_underpaid() -> None:
    cheap = dict(paid("A", 100.03), money="0.01")
    src = sources(history=bought("A", 100.0), payments=[cheap], notifies=[], load=ONE_EACH,
                  meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is False and v.counts["underpaid"] == 1
    assert "charged 0.01 but price × quantity is 50.00" in v.examples[0]["reason"]
    two_each = {"plan": {"quantity": 2}}  # 50.00 for two 50.00 keys is half the price
    v = money_goods.check(sources(history=bought("A", 100.0), payments=[paid("A", 100.03)],
                                  load=two_each, meta=PRICES), SPEC)
    assert v.ok is False and "price × quantity is 100.00" in v.examples[0]["reason"]


def test_goods_before_the_gateway_took_the_money_fail() -> None:
    src = sources(history=bought("A", 100.0), payments=[paid("A", 105.0)], load=ONE_EACH,
                  meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is False and v.counts["before_payment"] == 1


def test_a_supplier_purchase_for_an_unpaid_order_counts_as_goods() -> None:
    # no buyer saw anything yet, but the shop already bought codes for an unpaid order
    history = [op("buyer-S", "ok", "create_order", 1.0, order_no="S1", product_id="apple-100")]
    src = sources(history=history, payments=[unpaid("S1", "100.00")],
                  purchases={"primary": [purchase("S1", 2.0, ["X1"])]}, load=ONE_EACH,
                  meta=PRICES)
    v = money_goods.check(src, SPEC)
    assert v.ok is False and v.examples[0]["supplier_purchases"][0]["supplier"] == "primary"


def test_prices_come_from_the_spec_catalogue_or_buyers_catalogue_reads() -> None:
    @dataclass(frozen=True)
    class PricedSpec(CheckSpec):
        prices: dict[str, str] = field(default_factory=lambda: {"steam-50": "50.00"})

    @dataclass(frozen=True)
    class PairSpec(CheckSpec):  # hashable, as a JSON round trip gives it back
        prices: tuple[tuple[str, str], ...] = (("steam-50", "50.00"),)

    src = sources(history=bought("A", 100.0), payments=[paid("A", 100.03)], load=ONE_EACH)
    assert money_goods.check(src, PricedSpec()).ok is True
    assert money_goods.check(src, PairSpec()).ok is True
    read = op("buyer-A", "ok", "list_products", 99.0,
              products=[{"id": "steam-50", "price": "50.00", "stock_available": 3}])
    src = sources(history=[read, *bought("A", 100.0)], payments=[paid("A", 100.03)],
                  load=ONE_EACH)
    assert money_goods.check(src, SPEC).ok is True


def test_without_prices_or_ledgers_the_verdict_is_unknown() -> None:
    no_price = sources(history=bought("A", 100.0), payments=[paid("A", 100.03)], load=ONE_EACH)
    v = money_goods.check(no_price, SPEC)
    assert v.ok is None and "no price" in v.detail
    assert money_goods.check(sources(history=bought("A", 1.0)), SPEC).ok is None
    v = money_goods.check(sources(payments=[paid("A", 1.0)],
                                  purchases={"primary": [purchase("A", 2.0, ["X1"])]}), SPEC)
    assert v.ok is None and "the buyer history" in v.detail  # what buyers saw is the main record
