import dataclasses
from dataclasses import dataclass

from drill.checks import CheckSpec, Verdict, messages
from tests.drill.checks.literal import fault
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
                        "late_orders": 1, "wrong_notices": 0}


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
    v = messages.check(src, CheckSpec())
    assert v.ok is None and "no notice_after_s" in v.detail
    twice = dataclasses.replace(src, mails=[notice("F", 100.2), notice("F", 100.3)])
    assert messages.check(twice, CheckSpec()).ok is False


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
