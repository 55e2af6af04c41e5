"""alerts: an expected rule is owed a landed post in every window its condition held through
a monitor pass in (judged from buyers, gateway and catalogue reads; literal histories).

Windows of 10 s (100-110, 110-120, ...), monitor pass 0.1 s: a window is owed when the
condition holds, inside it, from some moment t through t + 0.1 + 3 s slack, and is judged
when the sink was still collected 2 s (the outbox grace) after that. An alert of its own must
reach a robot between the window's start and the next window's end, one alert a window.
"""

from typing import Any

from drill.checks import CheckSpec, alerts
from drill.checks.alert_conditions import owed_windows
from tests.drill.checks.ops import op, paid, sources

W = 10.0


def spec(**kw: Any) -> CheckSpec:
    return CheckSpec(alert_window_s=W, monitor_every_s=0.1, quiet_alerts=False, **kw)


def meta(collect_at: float) -> dict[str, Any]:
    return {"phases": [{"name": "load", "start": 95.0}, {"name": "collect", "start": collect_at}]}


def post(rule: str, at: float, *, throttled: bool = False, text: str = "") -> dict[str, Any]:
    return {"channel": "dingtalk", "robot": "drill", "at": at, "throttled": throttled,
            "text": f"[faka-alert] rule={rule} severity=critical\n{text or 'x'}"}


def in_manual(no: str, seen_at: float) -> list[dict[str, Any]]:
    """A buyer who paid and whose last poll (the poll budget's end) saw `manual`."""
    p = f"buyer-{no}"
    return [op(p, "ok", "create_order", seen_at - 5, order_no=no, product_id="apple-100"),
            op(p, "ok", "pay", seen_at - 4.9, order_no=no, trade_no=f"G{no}"),
            op(p, "info", "await_delivery", seen_at, order_no=no, status="manual",
               error="timeout")]


MANUAL = spec(expect_alerts=("manual_escalation",))


def test_manual_alerted_in_every_window_passes_one_swallowed_fails() -> None:
    history = in_manual("A", 103.0)
    times = [103.5, 110.05, 120.05]
    ok = sources(history=history, messages=[post("manual_escalation", t) for t in times],
                 meta=meta(135.0))
    v = alerts.check(ok, MANUAL)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"manual_escalation": 3}  # 100-120; 130 after collection
    # the de-dup key lacks the rule: another rule's alert took window 120
    bad = sources(history=history, messages=[post("manual_escalation", t) for t in times[:2]]
                  + [post("low_stock", 120.05)], meta=meta(135.0))
    v = alerts.check(bad, MANUAL)
    assert v.ok is False
    assert ("held in window [120.000, 130.000) from 120.000 through a monitor pass (1 orders in "
            "manual), no alert of it landed for that window (1 of 3 owed windows missed)"
            ) in v.detail
    assert v.examples[0]["holding"] == ["A"] and v.examples[0]["window"] == [120.0, 130.0]


def test_the_shops_own_post_naming_an_order_starts_its_manual_span() -> None:
    # the buyer only sees `manual` at 113 (the poll budget's end); the shop said so at 104
    named = post("manual_escalation", 104.0, text="order A (apple-100) needs manual delivery")
    src = sources(history=in_manual("A", 113.0), messages=[named], meta=meta(120.0))
    v = alerts.check(src, MANUAL)
    assert v.ok is False and "window [110.000, 120.000)" in v.detail


def handed_over(other: str, seen_at: float) -> list[dict[str, Any]]:
    """Order A in manual from 101 s until the operator delivers it at 112 s; `other` seen
    in manual at `seen_at`."""
    deliver = op("operator", "invoke", "manual_deliver", 112.0, order_no="A")
    return [*in_manual("A", 101.0), deliver, *in_manual(other, seen_at)]


def test_a_condition_too_short_or_too_late_in_a_window_owes_it_nothing() -> None:
    messages = [post("manual_escalation", 101.5), post("manual_escalation", 125.0)]
    v = alerts.check(sources(history=handed_over("B", 117.0), messages=messages,
                             meta=meta(135.0)), MANUAL)
    # window 110: A left manual 2 s in (< the 3.1 s pass), B came 3 s before its end
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"manual_escalation": 2}  # 100 (A) and 120 (B)
    # B in manual from 116.5: a whole pass still fits in window 110, so 110 is owed too; the
    # alert at 125 can serve it (late) or window 120, not both
    v = alerts.check(sources(history=handed_over("B", 116.5), messages=messages,
                             meta=meta(135.0)), MANUAL)
    assert v.ok is False
    assert v.counts["owed_windows"] == {"manual_escalation": 3}
    assert "1 of 3 owed windows missed" in v.detail


def test_one_alert_serves_one_window_up_to_the_next_windows_end() -> None:
    history = in_manual("A", 103.0)  # owed: windows 100, 110 and 120 (collected at 135)
    for times, ok in (([103.5, 118.0, 124.0], True),  # 110's alert posted late: still its own
                      ([103.5, 124.0], False),  # one alert for two windows
                      ([103.5, 131.0, 132.0], False)):  # 110's alert later than 130
        msgs = [post("manual_escalation", t) for t in times]
        v = alerts.check(sources(history=history, messages=msgs, meta=meta(135.0)), MANUAL)
        assert v.ok is ok, (times, v.detail)


def test_a_refused_alert_counts_once_when_its_retry_lands() -> None:
    history = in_manual("A", 103.0)
    retried = [post("manual_escalation", 103.5), post("manual_escalation", 110.1, throttled=True),
               post("manual_escalation", 111.0)]
    v = alerts.check(sources(history=history, messages=retried, meta=meta(125.0)), MANUAL)
    assert v.ok is True and v.counts["owed_windows"] == {"manual_escalation": 2}, v.detail
    # collected later, window 120 is owed too: the retry at 111 was 110's alert, not 120's
    v = alerts.check(sources(history=history, messages=retried, meta=meta(130.0)), MANUAL)
    assert v.ok is False and "window [120.000, 130.000)" in v.detail
    never_landed = retried[:2]
    assert alerts.check(sources(history=history, messages=never_landed, meta=meta(125.0)),
                        MANUAL).ok is False


def catalogue(times: list[float], stock: Any) -> list[dict[str, Any]]:
    return [op(f"buyer-r{i}", "ok", "list_products", t, final=False, products=[
        {"id": "steam-50", "price": "50.00", "stock_available": stock(t)},
        {"id": "apple-100", "price": "100.00", "stock_available": None}])
        for i, t in enumerate(times)]


LOW = spec(expect_alerts=("low_stock",), low_stock_below=20)


def test_low_stock_read_through_windows_needs_a_post_in_each() -> None:
    reads = catalogue([100 + i / 2 for i in range(51)], lambda t: 30 if t < 104 else 15)
    times = [104.5, 110.1, 120.1]
    v = alerts.check(sources(history=reads, messages=[post("low_stock", t) for t in times],
                             meta=meta(130.0)), LOW)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"low_stock": 3}
    v = alerts.check(sources(history=reads, messages=[post("low_stock", t) for t in times[:2]],
                             meta=meta(130.0)), LOW)
    assert v.ok is False
    assert "window [120.000, 130.000) from 120.000 through a monitor pass (1 local" in v.detail


def test_low_stock_reads_too_far_apart_say_nothing() -> None:
    # no read between 108 and 118: the stock may have been refilled by expiries meanwhile
    times = [100 + i / 2 for i in range(51) if not 108 < 100 + i / 2 < 118]
    reads = catalogue(times, lambda t: 30 if t < 104 else 15)
    msgs = [post("low_stock", 104.5), post("low_stock", 120.1)]
    v = alerts.check(sources(history=reads, messages=msgs, meta=meta(130.0)), LOW)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"low_stock": 2}  # 100 and 120, not 110


def stuck_order(no: str, paid_at: float, delivered_at: float) -> tuple[list[dict[str, Any]],
                                                                        dict[str, Any],
                                                                        dict[str, Any]]:
    p = f"buyer-{no}"
    ops = [op(p, "ok", "create_order", paid_at - 0.2, order_no=no, product_id="steam-50"),
           op(p, "ok", "pay", paid_at + 0.01, order_no=no, trade_no=f"G{no}"),
           op(p, "ok", "await_delivery", delivered_at, order_no=no, status="delivered")]
    notify = {"out_trade_no": no, "at": paid_at + 0.1, "attempt": 1, "variant": "normal",
              "outcome": "success", "latency_ms": 5}
    return ops, paid(no, paid_at), notify


STUCK = spec(expect_alerts=("stuck_paid_orders",), stuck_after_s=1.0, stuck_threshold=2)


def _stuck_sources(n: int, messages: list[dict[str, Any]]) -> Any:
    made = [stuck_order(f"S{i}", 104.0 + i / 2, 116.0) for i in range(n)]
    return sources(history=[o for ops, _p, _n in made for o in ops],
                   payments=[p for _o, p, _n in made], notifies=[x for _o, _p, x in made],
                   messages=messages, meta=meta(130.0))


def test_stuck_orders_over_the_threshold_through_a_window_need_its_alert() -> None:
    # paid 104-105 s, undelivered until 116, counted until 10 s after paying: 3 > 2 stuck
    # (> 1 s) from 106.1 to 114 s, through a pass from 106.1 (window 100) and from 110
    both = [post("stuck_paid_orders", 106.0), post("stuck_paid_orders", 110.2)]
    v = alerts.check(_stuck_sources(3, both), STUCK)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"stuck_paid_orders": 2}
    v = alerts.check(_stuck_sources(3, both[:1]), STUCK)
    assert v.ok is False and "(3 paid orders undelivered past stuck_after)" in v.detail
    # two stuck orders are not more than the threshold: nothing owed
    v = alerts.check(_stuck_sources(2, both[:1]), STUCK)
    assert v.ok is True and v.counts["owed_windows"] == {"stuck_paid_orders": 0}


def test_owed_windows_gives_the_first_moment_a_pass_fits_in_each_window() -> None:
    spans = [(95.0, 131.0, "a"), (99.0, 112.0, "b"), (105.0, 140.0, "c")]
    # any span: 95-137 through a 3 s pass; window 130's pass fits (130-133 within 140-3)
    assert owed_windows(spans, 0, W, 3.0) == {9: 95.0, 10: 100.0, 11: 110.0, 12: 120.0,
                                              13: 130.0}
    # two at once: 99-128 (a+b, then a+c); 99 is too late for window 90's pass
    assert owed_windows(spans, 1, W, 3.0) == {10: 100.0, 11: 110.0, 12: 120.0}
    assert owed_windows([], 0, W, 3.0) == {}


def test_old_specs_without_the_monitor_knobs_judge_as_before() -> None:
    history = in_manual("A", 103.0)
    src = sources(history=history, messages=[post("manual_escalation", 103.5)], meta=meta(135.0))
    v = alerts.check(src, CheckSpec(expect_alerts=("manual_escalation",), alert_window_s=W))
    assert v.ok is True and "owed_windows" not in v.counts


def test_a_low_stock_alert_that_comes_long_after_the_stock_fell_is_late() -> None:
    # the catalogue shows 30 keys until 103 s, then 10 (below 20) to 125 s: the rule was owed
    # from 103 s; a rule counting keys held by unpaid orders as stock sees it at 111 s, still
    # inside the next window (served), but 8 s after the onset (limit 0.1 + 3 + 2 + 2 s)
    from tests.drill.checks.literal import catalogue

    reads = [catalogue(100.0 + i / 2, steam_50=30 if i < 6 else 10) for i in range(51)]
    low = spec(expect_alerts=("low_stock",), low_stock_below=20)

    def judge(times: list[float]) -> alerts.Verdict:
        msgs = [post("low_stock", t) for t in times]
        return alerts.check(sources(history=reads, messages=msgs, meta=meta(135.0)), low)

    v = judge([103.5, 110.05, 120.05])
    assert v.ok is True, v.detail
    assert v.counts["late_windows"] == {"low_stock": 0}
    v = judge([111.0, 112.0, 120.05])
    assert v.ok is False and v.counts["unrenewed_windows"] == {"low_stock": 0}
    assert ("its condition held from 103.000 (1 local products below the threshold), its first "
            "alert landed 8.00 s later (limit 7.10 s") in v.detail
    assert v.examples[0]["first_alert_at"] == 111.0 and v.examples[0]["window"] == [100.0, 110.0]
    # the renewal of a condition held across a window's start may land late: 110's at 118
    assert judge([103.5, 118.0, 120.05]).ok is True
