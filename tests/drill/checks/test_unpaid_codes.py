"""buyer-truth, unpaid codes: no buyer is shown codes before the gateway took the money."""

from drill.checks import CheckSpec, Verdict, buyer_truth
from drill.checks.unpaid_codes import codes_before_payment, shown_codes
from tests.drill.checks.literal import ONE_EACH, unpaid
from tests.drill.checks.ops import bought, op, paid, sources

STOCK = {"local": {"steam-50": ["K1", "K2", "K3"]}, "supplier": {}}


def abandoned(no: str, t: float, **shown: object) -> list[dict]:
    """A buyer who opens the payment, looks at its order (page and cards), and leaves."""
    p = f"buyer-{no}"
    return [op(p, "invoke", "create_order", t, product_id="steam-50"),
            op(p, "ok", "create_order", t + 0.01, order_no=no, product_id="steam-50"),
            op(p, "invoke", "look_order", t + 0.1, order_no=no),
            op(p, "ok", "look_order", t + 0.11, order_no=no, status="pending_payment", **shown)]


def judge(history: list, payments: list) -> Verdict:
    return buyer_truth.check(sources(history=history, payments=payments, load=ONE_EACH,
                                     stock=STOCK, codes={}, purchases={}), CheckSpec())


def test_an_unpaid_order_s_page_showing_its_keys_fails() -> None:
    v = judge(abandoned("U", 1.0, cards=["K2"]) + bought("A", 1.0, ["K1"]),
              [unpaid("U"), paid("A", 1.02)])
    assert v.ok is False and v.counts["codes_before_payment"] == 1
    assert v.examples[0]["order_no"] == "U"
    assert "shown 1 codes (status pending_payment) before the gateway had taken the money " \
        "(paid: never)" in v.examples[0]["reason"]
    v = judge(abandoned("U", 1.0, cards_route=["K2"]), [unpaid("U")])
    assert v.ok is False, "the cards route answering an unpaid order's keys counts too"


def test_a_look_without_codes_and_codes_after_payment_pass() -> None:
    v = judge(abandoned("U", 1.0) + bought("A", 1.0, ["K1"]), [unpaid("U"), paid("A", 1.02)])
    assert v.ok is True, v.detail
    assert v.counts["codes_before_payment"] == 0 and v.counts["reads_with_codes"] == 1


def test_an_early_poll_showing_codes_is_judged_at_its_own_time() -> None:
    history = bought("A", 1.0, ["K1"])
    wait = next(o for o in history if o["f"] == "await_delivery" and o["type"] == "ok")
    wait["value"]["early_cards"] = {"at": 1.2, "status": "pending_payment", "cards": ["K1"]}
    v = judge(history, [paid("A", 1.3)])  # the gateway took the money 0.1 s after the poll
    assert v.ok is False and "(paid: 0.10 s later)" in v.examples[0]["reason"]
    assert judge(history, [paid("A", 1.1)]).ok is True  # paid before: the shop may show them


def test_goods_shown_for_an_order_never_paid_at_the_gateway_fail() -> None:
    v = judge(bought("F", 1.0, ["K1"]), [unpaid("F")])  # a forged notify the shop believed
    assert v.ok is False and "(status delivered)" in v.examples[0]["reason"]


def test_snoopers_and_runs_without_the_gateway_ledger_are_not_judged() -> None:
    snoop = [op("snooper-1", "ok", "look_order", 2.0, order_no="U", status="x", cards=["K2"])]
    odd = [{"process": "buyer-U", "type": "ok", "f": "look_order", "value": None, "time": 2.0}]
    src = sources(history=snoop + odd, payments=[unpaid("U")])
    assert shown_codes(src) == []
    assert codes_before_payment(sources(history=abandoned("U", 1.0, cards=["K2"]))) == ([], 0)
