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
