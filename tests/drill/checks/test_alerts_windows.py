"""alerts: an expected rule is owed a landed post in every window its condition held as the
window opened (judged from buyers, gateway and catalogue reads; literal histories).

Windows of 10 s (100-110, 110-120, ...), monitor pass 0.1 s: a window is owed when the
condition holds over its first 0.1 + 3 s slack, and it can only be judged when the sink was
still collected 2 s (the outbox grace) after that.
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
    assert v.counts["owed_windows"] == {"manual_escalation": 2}  # 110 and 120; 130 too late
    # the de-dup key lacks the rule: another rule's alert took window 120
    bad = sources(history=history, messages=[post("manual_escalation", t) for t in times[:2]]
                  + [post("low_stock", 120.05)], meta=meta(135.0))
    v = alerts.check(bad, MANUAL)
    assert v.ok is False
    assert "condition held as window [120.000, 130.000) opened (1 orders in manual)" in v.detail
    assert "1 of 2 owed windows missed" in v.detail
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


def test_manual_starting_or_ending_mid_window_is_not_owed_that_window() -> None:
    history = handed_over("B", 111.0)
    messages = [post("manual_escalation", 101.5), post("manual_escalation", 125.0)]
    v = alerts.check(sources(history=history, messages=messages, meta=meta(135.0)), MANUAL)
    # A left manual 2 s into window 110 (< the 3.1 s pass), B came 1 s in: 110 is not owed
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"manual_escalation": 1}  # window 120 (B), served at 125
    early_b = handed_over("B", 109.9)
    v = alerts.check(sources(history=early_b, messages=messages, meta=meta(135.0)), MANUAL)
    assert v.ok is False and "window [110.000, 120.000)" in v.detail


def test_a_post_in_the_outbox_grace_serves_the_window_before_and_a_retry_counts() -> None:
    history = in_manual("A", 103.0)
    late = [post("manual_escalation", 103.5), post("manual_escalation", 121.5)]
    assert alerts.check(sources(history=history, messages=late, meta=meta(125.0)),
                        MANUAL).ok is True
    # refused at 110.1, retried (the same text) until a robot took it at 123, in window 120
    retried = [post("manual_escalation", 103.5), post("manual_escalation", 110.1, throttled=True),
               post("manual_escalation", 123.0)]
    v = alerts.check(sources(history=history, messages=retried, meta=meta(130.0)), MANUAL)
    assert v.ok is True and v.counts["owed_windows"] == {"manual_escalation": 2}, v.detail
    never_landed = [post("manual_escalation", 103.5),
                    post("manual_escalation", 110.1, throttled=True)]
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
    assert v.counts["owed_windows"] == {"low_stock": 2}
    v = alerts.check(sources(history=reads, messages=[post("low_stock", t) for t in times[:2]],
                             meta=meta(130.0)), LOW)
    assert v.ok is False and "window [120.000, 130.000) opened (1 local products" in v.detail


def test_low_stock_reads_too_far_apart_say_nothing() -> None:
    # no read between 108 and 111.5: the stock may have been refilled by expiries meanwhile
    times = [100 + i / 2 for i in range(51) if not 108 < 100 + i / 2 < 111.5]
    reads = catalogue(times, lambda t: 30 if t < 104 else 15)
    msgs = [post("low_stock", 104.5), post("low_stock", 120.1)]
    v = alerts.check(sources(history=reads, messages=msgs, meta=meta(130.0)), LOW)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"low_stock": 1}  # 120 only


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
    # paid 104-105 s, undelivered until 116: stuck (> 1 s) through [110, 113.1], 3 > 2
    both = [post("stuck_paid_orders", 106.0), post("stuck_paid_orders", 110.2)]
    v = alerts.check(_stuck_sources(3, both), STUCK)
    assert v.ok is True, v.detail
    assert v.counts["owed_windows"] == {"stuck_paid_orders": 1}
    v = alerts.check(_stuck_sources(3, both[:1]), STUCK)
    assert v.ok is False and "(3 paid orders undelivered past stuck_after)" in v.detail
    # two stuck orders are not more than the threshold: nothing owed
    v = alerts.check(_stuck_sources(2, both[:1]), STUCK)
    assert v.ok is True and v.counts["owed_windows"] == {"stuck_paid_orders": 0}


def test_owed_windows_counts_spans_covering_each_windows_first_pass() -> None:
    spans = [(95.0, 131.0, "a"), (99.0, 112.0, "b"), (105.0, 140.0, "c")]
    assert owed_windows(spans, 0, W, 3.0, 130.0) == {10: 2, 11: 2, 12: 2, 13: 1}
    assert owed_windows(spans, 1, W, 3.0, 125.0) == {10: 2, 11: 2, 12: 2}
    assert owed_windows([], 0, W, 3.0, 130.0) == {}


def test_old_specs_without_the_monitor_knobs_judge_as_before() -> None:
    history = in_manual("A", 103.0)
    src = sources(history=history, messages=[post("manual_escalation", 103.5)], meta=meta(135.0))
    v = alerts.check(src, CheckSpec(expect_alerts=("manual_escalation",), alert_window_s=W))
    assert v.ok is True and "owed_windows" not in v.counts
