from drill.checks import CheckSpec, supplier_quantity
from tests.drill.checks.literal import ONE_EACH, purchase
from tests.drill.checks.ops import bought, sources

SPEC = CheckSpec()
THREE = {"plan": {"quantity": 3}}


def test_purchases_asking_for_the_ordered_quantity_pass() -> None:
    ledger = {"primary": [purchase("S", 1.0, ["X1", "X2", "X3"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is True, v.detail
    assert v.counts["requests"] == 1


def test_a_top_up_after_a_partial_fulfilment_asks_for_the_rest() -> None:
    ledger = {"primary": [purchase("S", 1.0, ["X1"], quantity=3),
                          purchase("S-2", 2.0, ["X2", "X3"], quantity=2)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is True, v.detail


def test_a_purchase_for_one_unit_of_a_three_key_order_fails() -> None:
    ledger = {"backup": [purchase("S", 1.0, ["X1"], quantity=1)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is False and v.counts["orders_wrong_quantity"] == 1
    ex = v.examples[0]
    assert "asked backup for 1 units of apple-100" in ex["reason"] and "(ordered 3)" in ex["reason"]
    assert ex["supplier_purchases"][0]["supplier"] == "backup"


def test_asking_for_more_than_ordered_fails() -> None:
    ledger = {"primary": [purchase("S", 1.0, ["X1", "X2"], quantity=2)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=ONE_EACH), SPEC)
    assert v.ok is False


def test_missing_ledgers_or_quantities_are_unknown() -> None:
    assert supplier_quantity.check(sources(history=bought("S", 0.5)), SPEC).ok is None
    ledger = {"primary": [purchase("S", 1.0, ["X1"])]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5), purchases=ledger), SPEC)
    assert v.ok is None and v.counts["unjudged"] == 1


def test_empty_ledgers_say_nothing_was_bought() -> None:
    v = supplier_quantity.check(sources(history=bought("A", 0.5), purchases={"primary": []},
                                        load=ONE_EACH), SPEC)
    assert v.ok is True and "no supplier purchases" in v.detail


def _accepted(dno: str, at: float, quantity: int, status: str, codes: list[str]) -> dict:
    """An asynchronous purchase as the fake completes its entry once fulfilled/cancelled."""
    return {**purchase(dno, at, codes, quantity=quantity, outcome="accepted"),
            "status": status, "given": len(codes), "delivered_at": at + 1.0}


def test_async_partial_then_the_missing_units_passes() -> None:
    ledger = {"primary": [_accepted("S", 1.0, 3, "partially_delivered", ["X1"]),
                          purchase("S-p2", 3.0, ["X2", "X3"], quantity=2)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is True, v.detail


def test_async_cancelled_then_the_whole_order_again_passes() -> None:
    ledger = {"primary": [_accepted("S", 1.0, 3, "cancelled", [])],
              "backup": [purchase("S-p2", 3.0, ["X1", "X2", "X3"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is True, v.detail


def test_async_partial_then_the_whole_quantity_again_fails() -> None:
    ledger = {"primary": [_accepted("S", 1.0, 3, "partially_delivered", ["X1"]),
                          purchase("S-p2", 3.0, ["X2", "X3", "X4"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is False


def test_after_a_reply_that_never_came_the_whole_quantity_may_be_asked_again() -> None:
    """The shop was not told about a committed-then-timed-out purchase: asking for all of it
    again is no quantity error (buying it twice is no-double-purchase's finding)."""
    ledger = {"primary": [purchase("S", 1.0, ["X1", "X2", "X3"], quantity=3,
                                   outcome="commit_hold"),
                          purchase("S-abc", 2.0, ["X4", "X5", "X6"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=ledger, load=THREE), SPEC)
    assert v.ok is True, v.detail


def test_units_count_from_when_the_shop_got_them() -> None:
    """An accepted purchase delivered later: a second ask before that delivery is judged
    against nothing received (the double is no-double-purchase's), one after it against it."""
    early = {"primary": [{**_accepted("S", 1.0, 3, "delivered", ["X1", "X2", "X3"]),
                          "delivered_at": 9.0}],
             "backup": [purchase("S", 2.0, ["B1", "B2", "B3"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=early, load=THREE), SPEC)
    assert v.ok is True, v.detail
    late = {"primary": early["primary"],
            "backup": [purchase("S", 10.0, ["B1", "B2", "B3"], quantity=3)]}
    v = supplier_quantity.check(sources(history=bought("S", 0.5, product="apple-100"),
                                        purchases=late, load=THREE), SPEC)
    assert v.ok is False
