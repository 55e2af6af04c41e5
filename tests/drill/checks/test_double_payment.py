"""double-payment on literal ledgers: an order paid twice keeps one payment; the other is
refunded at the gateway or escalated by a refund_needed alert."""

from __future__ import annotations

from typing import Any

from drill.checks import CheckSpec, double_payment
from tests.drill.checks.literal import notify
from tests.drill.checks.ops import bought, paid, sources

SPEC = CheckSpec(alert_window_s=10.0)


def again(no: str, at: float, n: int = 2, **more: Any) -> dict[str, Any]:
    """The buyer's n-th payment of order `no` (the gateway's `double_pay`)."""
    return dict(paid(no, at), trade_no=f"G{no}-{n}", double_of=f"G{no}", **more)


def told(no: str, trade_no: str, at: float) -> dict[str, Any]:
    return dict(notify(no, at), trade_no=trade_no)


def alert(text: str, at: float, outcome: str = "accepted") -> dict[str, Any]:
    return {"text": f"[faka-alert] rule=refund_needed severity=warning\n{text}", "at": at,
            "channel": "dingtalk", "robot": "ops", "outcome": outcome}


def src(payments: list[dict[str, Any]], notifies: list[dict[str, Any]],
        messages: list[dict[str, Any]] | None = None) -> Any:
    return sources(history=bought("A", 1.0) + bought("B", 1.0), payments=payments,
                   notifies=notifies, messages=[] if messages is None else messages)


PAID_TWICE = [paid("A", 1.03), paid("B", 1.03)]
TOLD = [notify("A", 1.1), notify("B", 1.1), told("A", "GA-2", 4.1)]


def test_the_second_payment_refunded_at_the_gateway_passes() -> None:
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0, refunded="50.00")], TOLD),
                             SPEC)
    assert v.ok is True, v.detail
    assert v.counts["orders_paid_twice"] == 1 and v.counts["refunded"] == 1


def test_the_second_payment_kept_without_refund_or_alert_fails() -> None:
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0)], TOLD), SPEC)
    assert v.ok is False and v.counts["kept"] == 1
    assert v.examples[0]["order_no"] == "A" and "GA-2" in v.examples[0]["reason"]


def test_a_partial_refund_is_no_refund() -> None:
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0, refunded="0.01")], TOLD), SPEC)
    assert v.ok is False and v.counts["kept"] == 1


def test_a_refund_needed_alert_naming_the_order_passes() -> None:
    msgs = [alert("order A paid again (trade_no=GA-2) while delivered; refund it", 4.2)]
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0)], TOLD, msgs), SPEC)
    assert v.ok is True and v.counts["alerted"] == 1


def test_a_throttled_alert_never_accepted_does_not_count() -> None:
    msgs = [alert("order A paid again (trade_no=GA-2)", 4.2, outcome="throttled")]
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0)], TOLD, msgs), SPEC)
    assert v.ok is False


def test_one_alert_per_window_covers_a_later_order_but_not_an_older_window() -> None:
    msgs = [alert("order B paid again (trade_no=GB-2)", 3.0)]
    both = [*PAID_TWICE, again("A", 4.0), again("B", 2.9)]
    notes = [*TOLD, told("B", "GB-2", 3.0)]
    v = double_payment.check(src(both, notes, msgs), SPEC)
    assert v.ok is True and v.counts["alerted_window"] == 1 and v.counts["alerted"] == 1
    late = [*PAID_TWICE, again("A", 40.0), again("B", 2.9)]
    assert double_payment.check(src(late, notes, msgs), SPEC).ok is False


def test_a_second_payment_the_shop_never_heard_of_is_not_judged() -> None:
    lost = [*TOLD[:2], dict(told("A", "GA-2", 4.1), outcome="lost", attempt=0)]
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0)], lost), SPEC)
    assert v.ok is True and v.counts["orders_paid_twice"] == 0
    forged = [*TOLD[:2], dict(told("A", "GA-2", 4.1), adversarial="bad_sign")]
    assert double_payment.check(src([*PAID_TWICE, again("A", 4.0)], forged), SPEC).ok is True


def test_a_first_payment_whose_notify_was_lost_is_not_judged() -> None:
    """The second payment paid the order; nobody told the shop of the first."""
    notes = [dict(notify("A", 1.03), outcome="lost", attempt=0), notify("B", 1.1),
             told("A", "GA-2", 4.1)]
    v = double_payment.check(src([*PAID_TWICE, again("A", 4.0)], notes), SPEC)
    assert v.ok is True and v.counts["orders_paid_twice"] == 0


def test_every_payment_refunded_while_the_buyer_got_goods_fails() -> None:
    pays = [dict(paid("A", 1.03), refunded="50.00"), paid("B", 1.03),
            again("A", 4.0, refunded="50.00")]
    v = double_payment.check(src(pays, TOLD), SPEC)
    assert v.ok is False and v.counts["refunded_all"] == 1


def test_no_order_paid_twice_passes_and_missing_ledgers_are_unknown() -> None:
    assert double_payment.check(src(PAID_TWICE, TOLD[:2]), SPEC).ok is True
    assert double_payment.check(sources(history=[], payments=None, notifies=[]),
                                SPEC).ok is None
    no_sink = sources(history=[], payments=[*PAID_TWICE, again("A", 4.0)], notifies=TOLD)
    assert double_payment.check(no_sink, SPEC).ok is None


def test_refunding_the_payment_the_order_was_paid_on_and_keeping_the_extra_fails() -> None:
    """refund-order-trade-no: the refund goes to the order's stored trade (the first, the one
    the goods went out on) and the second payment is kept."""
    first_back = dict(paid("A", 1.03), refunded="50.00")
    v = double_payment.check(src([first_back, paid("B", 1.03), again("A", 4.0)], TOLD), SPEC)
    assert v.ok is False and v.counts["refunded_paying"] == 1
    assert "refunded trade GA," in v.examples[0]["reason"]
    assert "kept GA-2" in v.examples[0]["reason"]


def test_the_paying_trade_is_the_first_acknowledged_not_the_first_paid() -> None:
    """The first payment's notify was refused, the second's acknowledged: the shop was paid
    by the second, so refunding the first and keeping the second is right."""
    notifies = [notify("A", 1.1, outcome="fail"), notify("B", 1.1), told("A", "GA-2", 4.1),
                notify("A", 9.0, attempt=2)]
    first_back = dict(paid("A", 1.03), refunded="50.00")
    v = double_payment.check(src([first_back, paid("B", 1.03), again("A", 4.0)], notifies),
                             SPEC)
    assert v.ok is True and v.counts["refunded"] == 1, v.detail


def test_two_payments_acknowledged_together_are_not_judged_by_which_was_refunded() -> None:
    """Concurrent notifies: which commit won is the shop's, not the gateway's send order."""
    notifies = [notify("A", 1.1), notify("B", 1.1), told("A", "GA-2", 1.15)]
    first_back = dict(paid("A", 1.03), refunded="50.00")
    v = double_payment.check(src([first_back, paid("B", 1.03), again("A", 1.2)], notifies),
                             SPEC)
    assert v.ok is True and v.counts["refunded"] == 1, v.detail
