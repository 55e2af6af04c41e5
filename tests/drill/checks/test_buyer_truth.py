from drill.checks import CheckSpec, Verdict, buyer_truth
from tests.drill.checks.literal import ONE_EACH
from tests.drill.checks.ops import bought, op, sources

SPEC = CheckSpec()
STOCK = {"local": {"steam-50": ["K1", "K2", "K3", "K4"]}, "supplier": {}}


def _judge(history: list, load: dict | None = None, **kw: object) -> Verdict:
    base = dict(stock=STOCK, codes={}, purchases={})
    base.update(kw)
    return buyer_truth.check(sources(history=history, load=load or ONE_EACH, **base), SPEC)


def test_each_buyer_sees_exactly_its_own_imported_codes() -> None:
    v = _judge(bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K2"]))
    assert v.ok is True, v.detail
    assert v.counts["told_delivered"] == 2 and v.counts["true"] == 2


def test_supplier_issued_codes_are_real() -> None:
    codes = {"primary": [{"code": "X9", "sku": "apple-100", "downstream_order_no": "S"}]}
    v = _judge(bought("S", 1.0, ["X9"], product="apple-100"), codes=codes)
    assert v.ok is True, v.detail


def test_one_key_shown_to_two_buyers_fails_for_both() -> None:
    v = _judge(bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K1"]))
    assert v.ok is False and v.counts["shared_codes"] == 1
    assert [e["order_no"] for e in v.examples] == ["A", "B"]
    assert "also shown to ['B']" in v.examples[0]["reason"]


def test_wrong_number_of_codes_and_invented_codes_fail() -> None:
    two_each = {"plan": {"quantity": 2}}
    v = _judge(bought("A", 1.0, ["K1"]), load=two_each)
    assert v.ok is False and "shown 1 codes (1 distinct) for quantity 2" in v.examples[0]["reason"]
    v = _judge(bought("A", 1.0, ["K1", "K1"]), load=two_each)
    assert v.ok is False and "(1 distinct)" in v.examples[0]["reason"]
    v = _judge(bought("A", 1.0, ["FAKE-1"]))
    assert v.ok is False and "FAKE-1 was neither imported" in v.examples[0]["reason"]


def test_delivered_then_a_failed_card_fetch_is_a_finding() -> None:
    flow = bought("A", 1.0, ["K1"])[:-1]  # told delivered, fetch invoked ...
    flow.append(op("buyer-A", "fail", "fetch_card", 1.6, order_no="A", error="HTTP 409"))
    v = _judge(flow)
    assert v.ok is False and v.counts["fetch_failed_after_delivered"] == 1
    assert "told delivered, then the card fetch failed" in v.examples[0]["reason"]
    no_fetch = bought("A", 1.0, ["K1"])[:-2]  # delivered, nothing ever shown
    assert "shown no card at all" in _judge(no_fetch).examples[0]["reason"]


def test_undelivered_orders_are_not_judged_and_missing_sources_are_unknown() -> None:
    assert _judge(bought("A", 1.0, delivered=False)).counts["told_delivered"] == 0
    assert buyer_truth.check(sources(stock=STOCK), SPEC).ok is None
    untraced = buyer_truth.check(sources(history=bought("S", 1.0, ["X9"], product="apple-100"),
                                         load=ONE_EACH, stock=STOCK), SPEC)
    assert untraced.ok is None and untraced.counts["codes_untraced"] == 1
    v = buyer_truth.check(sources(history=bought("A", 1.0, ["K1"]), stock=STOCK, codes={}), SPEC)
    assert v.ok is None and v.counts["quantity_unknown"] == 1
