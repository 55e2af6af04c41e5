from drill.checks import CheckSpec, no_loss
from tests.drill.checks.ops import bought, delivery, export, order, paid, sources

SPEC = CheckSpec()


def test_paid_and_delivered_orders_pass() -> None:
    src = sources(history=bought("A", 100.0) + bought("B", 100.0),
                  payments=[paid("A", 100.03), paid("B", 100.03)],
                  export=export([order("A", "delivered", 100.4), order("B", "delivered", 100.4)]))
    v = no_loss.check(src, SPEC)
    assert v.ok is True, v.detail
    assert v.counts["paid"] == 2


def test_paid_order_stuck_in_paid_is_a_loss_with_evidence() -> None:
    src = sources(history=bought("A", 100.0) + bought("B", 100.0, delivered=False),
                  payments=[paid("A", 100.03), paid("B", 100.03)],
                  export=export([order("A", "delivered", 100.4), order("B", "paid")]))
    v = no_loss.check(src, SPEC)
    assert v.ok is False
    assert [e["order_no"] for e in v.examples] == ["B"]
    ex = v.examples[0]
    assert ex["gateway_payments"][0]["out_trade_no"] == "B"
    assert {o["f"] for o in ex["history"]} == {"create_order", "pay", "await_delivery"}


def test_manual_needs_an_alert_and_expected_unresolved_is_accepted() -> None:
    base = dict(history=bought("M", 1.0, delivered=False), payments=[paid("M", 1.03)],
                export=export([order("M", "manual")]))
    assert no_loss.check(sources(**base, messages=[]), SPEC).ok is False
    alerted = [{"channel": "dingtalk", "text": "[faka-alert] rule=manual_escalation x", "at": 5.0}]
    assert no_loss.check(sources(**base, messages=alerted), SPEC).ok is True
    accepted = CheckSpec(expected_unresolved=("manual",))
    assert no_loss.check(sources(**base, messages=[]), accepted).ok is True


def test_missing_gateway_ledger_is_unknown_not_pass() -> None:
    v = no_loss.check(sources(history=bought("A", 1.0)), SPEC)
    assert v.ok is None


def test_unpaid_orders_are_not_required_to_deliver() -> None:
    src = sources(payments=[{"out_trade_no": "X", "status": "created", "trade_no": "GX"}],
                  export=export([order("X", "pending_payment")]))
    assert no_loss.check(src, SPEC).ok is True


def test_delivered_by_the_shops_word_but_never_shown_to_a_buyer_who_looked_later_is_lost() -> None:
    # the buyer polled until 130.0; the shop logged a manual delivery at 110.0, status kept
    hist = bought("A", 100.0, delivered=False)
    src = sources(history=hist, payments=[paid("A", 100.03)],
                  export=export([order("A", "paid")], [delivery("A", ["K1"], "manual", 110.0)]))
    v = no_loss.check(src, SPEC)
    assert v.ok is False and v.counts["lost"] == 1
    assert "looked 20.0 s later and was shown no goods" in v.examples[0]["reason"]
    # delivered after the buyer's last look: the export is all there is, and it counts
    late = sources(history=hist, payments=[paid("A", 100.03)],
                   export=export([order("A", "delivered", 140.0)],
                                 [delivery("A", ["K1"], "manual", 140.0)]))
    assert no_loss.check(late, SPEC).ok is True
    # moved while the last poll was in flight (within the slack): not judged a loss
    racing = sources(history=hist, payments=[paid("A", 100.03)],
                     export=export([order("A", "delivered", 129.5)]))
    assert no_loss.check(racing, SPEC).ok is True
