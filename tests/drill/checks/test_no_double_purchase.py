from drill.checks import CheckSpec, no_double_purchase
from tests.drill.checks.ops import sources

SPEC = CheckSpec()


def buy(dno: str, at: float, codes: list[str], replayed: bool = False, outcome: str = "ok") -> dict:
    return {"downstream_order_no": dno, "sku": "apple-100", "quantity": 1, "at": at,
            "outcome": outcome, "codes": codes, "http_status": 200, "replayed": replayed}


def test_replayed_retry_is_not_a_second_purchase() -> None:
    src = sources(purchases={"primary": [buy("A", 1.0, ["p1"]), buy("A", 2.0, ["p1"], True)],
                             "backup": []})
    v = no_double_purchase.check(src, SPEC)
    assert v.ok is True, v.detail
    assert v.counts["effective_purchases"] == 1


def test_bought_from_primary_and_backup_is_double() -> None:
    src = sources(purchases={"primary": [buy("A", 1.0, ["p1"])],
                             "backup": [buy("A", 3.0, ["b1"])]})
    v = no_double_purchase.check(src, SPEC)
    assert v.ok is False
    assert v.examples[0]["order_no"] == "A"
    assert len(v.examples[0]["supplier_purchases"]) == 2


def test_failed_attempts_do_not_count() -> None:
    src = sources(purchases={"primary": [buy("A", 1.0, [], outcome="error"),
                                         buy("A", 2.0, ["p1"])]})
    assert no_double_purchase.check(src, SPEC).ok is True


def test_missing_ledgers_unknown() -> None:
    assert no_double_purchase.check(sources(), SPEC).ok is None


def _async(dno: str, at: float, quantity: int, status: str, codes: list[str],
           done_at: float | None = None, replayed: bool = False) -> dict:
    """An accepted (asynchronous) purchase as the fake completes its ledger entry."""
    entry = {"downstream_order_no": dno, "sku": "apple-100", "quantity": quantity, "at": at,
             "outcome": "accepted", "codes": codes, "given": len(codes), "status": status,
             "http_status": 200, "replayed": replayed}
    key = "cancelled_at" if status == "cancelled" else "delivered_at"
    return {**entry, key: done_at} if done_at is not None else entry


def test_topping_up_a_partial_fulfilment_is_not_double() -> None:
    src = sources(purchases={"primary": [
        _async("A", 1.0, 3, "partially_delivered", ["p1", "p2"], done_at=2.0),
        buy("A", 3.0, ["p3"])]})
    v = no_double_purchase.check(src, SPEC)
    assert v.ok is True, v.detail


def test_buying_again_after_a_cancel_is_not_double() -> None:
    src = sources(purchases={"primary": [_async("A", 1.0, 1, "cancelled", [], done_at=5.0)],
                             "backup": [buy("A", 6.0, ["b1"])]})
    v = no_double_purchase.check(src, SPEC)
    assert v.ok is True, v.detail
    assert v.counts["effective_purchases"] == 1


def test_buying_elsewhere_while_the_first_is_still_processing_is_double() -> None:
    """The shop took 'not found while processing' for failure: the primary delivered later."""
    src = sources(purchases={"primary": [_async("A", 1.0, 1, "delivered", ["p1"], done_at=9.0)],
                             "backup": [buy("A", 2.0, ["b1"])]})
    v = no_double_purchase.check(src, SPEC)
    assert v.ok is False
    assert "1 of 1 units were already bought" in v.examples[0]["reason"]


def test_a_still_processing_purchase_counts_as_sold() -> None:
    src = sources(purchases={"primary": [_async("A", 1.0, 2, "processing", [])],
                             "backup": [buy("A", 2.0, ["b1", "b2"])]})
    assert no_double_purchase.check(src, SPEC).ok is False
