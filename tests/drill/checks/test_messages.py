import dataclasses
from dataclasses import dataclass

from drill.analyze import RunState, decide
from drill.checks import CheckSpec, Verdict, messages
from tests.drill.checks.literal import fault, notify
from tests.drill.checks.ops import bought, export, order, paid, sources

FAULTS = [fault(10.0, "inject", "supplier_primary"), fault(30.0, "heal", "supplier_primary")]
EXPECT = CheckSpec(expect_alerts=("supplier_health",), alert_within_s=10.0)


def post(rule: str, at: float, throttled: bool = False, robot: str = "t") -> dict:
    return {"channel": "dingtalk", "robot": robot, "text": f"[faka-alert] rule={rule} x",
            "msgtype": "text", "at": at, "throttled": throttled}


def notice(no: str, at: float) -> dict:
    return {"to": f"{no}@drill.test", "order_no": no, "kind": "delay_notice", "at": at}


def alerts_only(msgs: list, spec: CheckSpec = EXPECT) -> Verdict:
    return messages.check(sources(messages=msgs, faults=FAULTS), spec)


def test_an_alert_accepted_in_time_passes_and_throttled_retries_count_once_landed() -> None:
    v = alerts_only([post("supplier_health", 12.0, throttled=True), post("supplier_health", 15.0)])
    assert v.counts["rules_accepted"] == ["supplier_health"] and v.counts["alert_problems"] == 0
    assert v.ok is None  # the notice half had nothing to judge with
    assert "delay notices not judged: the sink mail ledger" in v.detail


def test_an_alert_only_ever_throttled_never_fired() -> None:
    v = alerts_only([post("supplier_health", 12.0, throttled=True)])
    assert v.ok is False
    assert "1 refused alert(s) never retried" in v.detail and \
        "never accepted by any robot" in v.detail
    assert v.examples[0]["messages"][0]["throttled"] is True


def test_each_robot_that_refused_must_accept_later_and_in_time() -> None:
    msgs = [post("supplier_health", 12.0), post("supplier_health", 12.0, True, robot="u")]
    assert alerts_only(msgs).ok is False  # robot u never got it
    late = [post("supplier_health", 12.0, True), post("supplier_health", 25.0)]
    assert "first accepted 15.00 s after the first fault" in alerts_only(late).detail

    @dataclass(frozen=True)
    class Retry(CheckSpec):  # the field the lead adds to CheckSpec
        alert_retry_within_s: float = 2.0

    v = alerts_only([post("low_stock", 12.0, True), post("low_stock", 18.0)], Retry())
    assert v.ok is False and "landed 6.00 s after its first refused post" in v.detail


def test_sink_outcome_field_wins_over_throttled() -> None:
    refused = dict(post("supplier_health", 12.0), outcome="error")
    assert alerts_only([refused]).ok is False


SLOW = CheckSpec(notice_after_s=2.0)


def _notices(mails: list, history: list, payments: list) -> Verdict:
    return messages.check(sources(messages=[], mails=mails, history=history, payments=payments,
                                  meta={"ended_at": 200.0}), SLOW)


def test_delay_notices_exactly_once_to_every_late_buyer() -> None:
    late = bought("L", 100.0)  # delivered at 100.5 ... made late by paying early
    fast = bought("F", 100.0)
    pays = [paid("L", 97.0), paid("F", 100.03)]
    v = _notices([notice("L", 99.5)], late + fast, pays)
    assert v.ok is True, v.detail
    assert v.counts == {"rules_accepted": [], "alert_problems": 0, "posts_refused": 0,
                        "late_orders": 1, "wrong_notices": 0, "late_never_told": 0,
                        "wrong_answers": 0}


def test_missing_double_early_and_needless_notices_fail() -> None:
    history = bought("L", 100.0) + bought("F", 100.0) + bought("N", 100.0, delivered=False)
    pays = [paid("L", 97.0), paid("F", 100.03), paid("N", 100.03)]
    mails = [notice("L", 99.5), notice("L", 100.0), notice("F", 100.2)]
    v = _notices(mails, history, pays)
    assert v.ok is False
    reasons = {e["order_no"]: e["reason"] for e in v.examples}
    assert "2 delay notices to one buyer" in reasons["L"]
    assert "before the 2 s limit" in reasons["F"]
    assert "never told" in reasons["N"]
    v = _notices([notice("F", 104.0)], bought("F", 100.0), [paid("F", 100.03)])
    assert "after the goods were delivered" in v.examples[0]["reason"]
    in_flight = _notices([notice("L", 101.3)], bought("L", 100.0), [paid("L", 98.0)])
    assert in_flight.ok is True, "queued while L waited, landed 0.8 s after the goods"
    v = _notices([notice("X", 5.0)], [], [])
    assert "never saw paid" in v.examples[0]["reason"]


def test_missing_sink_ledgers_are_unknown() -> None:
    assert messages.check(sources(), SLOW).ok is None


def test_the_export_stamp_stands_in_for_a_buyer_who_gave_up_polling() -> None:
    gave_up = bought("G", 100.0, delivered=False)  # the shop delivered fast; the poll timed out
    src = sources(messages=[], mails=[], history=gave_up, payments=[paid("G", 100.03)],
                  meta={"ended_at": 200.0}, export=export([order("G", "delivered", 100.5)]))
    assert messages.check(src, SLOW).ok is True
    blind = sources(messages=[], mails=[], history=gave_up, payments=[paid("G", 100.03)],
                    meta={"ended_at": 200.0})
    assert "never told" in messages.check(blind, SLOW).examples[0]["reason"]


def test_without_a_limit_only_double_notices_and_unpaid_ones_are_judged() -> None:
    src = sources(messages=[], mails=[notice("F", 100.2)], history=bought("F", 100.0),
                  payments=[paid("F", 100.03)], meta={"ended_at": 200.0})
    unknown_delay = CheckSpec(notice_delay_s=None)
    v = messages.check(src, unknown_delay)
    assert v.ok is None and "no notice_after_s" in v.detail
    twice = dataclasses.replace(src, mails=[notice("F", 100.2), notice("F", 100.3)])
    assert messages.check(twice, unknown_delay).ok is False


def test_the_shops_configured_delay_is_judged_where_no_notice_is_expected() -> None:
    """No `buyer-notice` expectation (notice_after_s None): the shop's own delay still says
    who was late, so every scenario judges its notices (issue 11, invariant 5)."""
    spec = CheckSpec(notice_delay_s=2.0)
    history = bought("L", 100.0) + bought("F", 100.0)
    pays = [paid("L", 97.0), paid("F", 100.03)]
    v = messages.check(sources(messages=[], mails=[notice("L", 99.5)], history=history,
                               payments=pays, meta={"ended_at": 200.0}), spec)
    assert v.ok is True and v.counts["late_orders"] == 1, v.detail
    early = messages.check(sources(messages=[], mails=[notice("F", 100.2)], history=history,
                                   payments=pays, meta={"ended_at": 200.0}), spec)
    assert early.ok is False
    reasons = {e["order_no"]: e["reason"] for e in early.examples}
    assert "before the 2 s limit" in reasons["F"] and "never told" in reasons["L"]
    assert early.counts["late_never_told"] == 1 and early.counts["wrong_answers"] == 1


def test_a_saturated_box_excuses_late_buyers_never_told_but_not_wrong_notices() -> None:
    """A full box answers the gateway's notify late, so the shop's notice clock starts late:
    that alone is inconclusive under saturation; a notice sent too early never is."""
    history = bought("N", 100.0, delivered=False)
    src = sources(messages=[], mails=[], history=history, payments=[paid("N", 100.03)],
                  meta={"ended_at": 200.0})
    untold = messages.check(src, SLOW)
    assert untold.ok is False and untold.counts["wrong_answers"] == 0
    full = ["box saturated: its 2 cores 100% busy"]
    assert decide([untold], RunState(), full)[0] == "inconclusive"
    assert decide([untold], RunState())[0] == "fail"
    early = messages.check(dataclasses.replace(src, mails=[notice("N", 100.2)]), SLOW)
    assert early.counts["wrong_answers"] == 1
    assert decide([early], RunState(), full)[0] == "fail"


def test_a_later_alert_of_the_rule_landing_does_not_deliver_a_throttled_one() -> None:
    first = {**post("supplier_health", 10.0, throttled=True), "text": "[faka-alert] "
             "rule=supplier_health severity=critical\nprimary: 9/10 failed"}
    later = {**post("supplier_health", 70.0), "text": "[faka-alert] rule=supplier_health "
             "severity=critical\nprimary: circuit breaker open"}
    v = alerts_only([first, later])
    assert v.ok is False and "1 refused alert(s) never retried" in v.detail
    retried = {**first, "at": 11.0, "throttled": False}
    ok = alerts_only([first, retried, later])
    assert ok.ok is not False and ok.counts["alert_problems"] == 0  # notices: no ledger


def test_a_buyer_is_owed_a_notice_only_once_late_by_the_shops_clock_too() -> None:
    """The shop cannot start its notice clock before the gateway told it: paid at 97.0, the
    notify answered `success` at 99.8 (a busy box), goods at 100.5: 3.5 s by the gateway's
    clock, 0.7 s by the shop's, so no notice is owed; answered at once, one is."""
    history = bought("L", 100.0)
    slow = _notices([], history, [paid("L", 97.0)])
    assert slow.ok is False and "never told" in slow.examples[0]["reason"]
    src = sources(messages=[], mails=[], history=history, payments=[paid("L", 97.0)],
                  notifies=[notify("L", 99.7, latency_ms=100.0)], meta={"ended_at": 200.0})
    assert messages.check(src, SLOW).ok is True
    prompt = dataclasses.replace(src, notifies=[notify("L", 97.1, latency_ms=100.0)])
    assert "never told" in messages.check(prompt, SLOW).examples[0]["reason"]
    forged = dataclasses.replace(src, notifies=[notify("L", 99.7, adversarial="underpaid")])
    assert messages.check(forged, SLOW).ok is False, "only a genuine notify tells the shop"


def test_a_notice_before_the_delivery_was_visible_is_not_after_the_goods() -> None:
    """Stamped delivered at 88.65, but the commit trailed it (a database fault): the buyer's
    poll sent at 89.9 was still answered "not yet"; the notice at 90.9 came 2.26 s after the
    stamp and 1.0 s after that poll: not a notice after the goods. Without the poll it is."""
    args = ([90.91], 87.64, 88.65, 120.0, 2.0)
    assert messages.notice_problem(*args, not_yet=89.9) is None
    why = messages.notice_problem(*args)
    assert why is not None and "after the goods" in str(why)
