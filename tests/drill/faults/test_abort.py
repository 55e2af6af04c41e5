"""Stop conditions on literal op streams, with the clock passed in (no sleeping)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from drill.events import Events
from drill.faults.abort import AbortMonitor, Trip
from drill.history import Op
from tests.waiting import wait_until


def op(t: float, type_: str, f: str = "create_order", order: str = "o1",
       process: str = "buyer-1") -> dict[str, Any]:
    return {"process": process, "type": type_, "f": f, "value": {"order_no": order}, "time": t}


def monitor(*rules: str, **kw: Any) -> AbortMonitor:
    m = AbortMonitor(rules, Events(), clock=lambda: 0.0, **kw)
    m.t0 = 100.0
    return m


def test_error_rate_must_hold_for_its_whole_window_before_it_trips() -> None:
    m = monitor("error_rate > 50% for 2s")
    for i in range(10):                        # 100.0 .. 100.9: every create fails
        m.observe(op(100 + i / 10, "invoke"))
        m.observe(op(100 + i / 10, "fail"))
    assert m.evaluate(now=101.0) is None       # holds, but not for 2 s yet
    assert m.evaluate(now=102.5) is None
    trip = m.evaluate(now=103.0)
    assert trip == Trip("error_rate > 50% for 2s", 103.0, 3.0, 1.0)
    assert trip is not None
    assert trip.describe().startswith("stop condition 'error_rate > 50% for 2s' held at 3.0 s "
                                      "into the load (measured 100%)")


def test_a_break_in_the_condition_restarts_its_window() -> None:
    m = monitor("error_rate > 50% for 2s", window_s=3.0)
    for i in range(10):
        m.observe(op(100 + i / 10, "invoke"))
        m.observe(op(100 + i / 10, "fail"))
    assert m.evaluate(now=100.9) is None
    for i in range(10):                        # a healthy second
        m.observe(op(101 + i / 10, "invoke"))
        m.observe(op(101 + i / 10, "ok"))
    assert m.evaluate(now=102.0) is None       # 50 % over the last 3 s: the hold broke
    for i in range(10):
        m.observe(op(102 + i / 10, "invoke"))
        m.observe(op(102 + i / 10, "info"))    # unknown outcomes count as errors
    assert m.evaluate(now=102.9) is None       # holding again since 102.9 only
    assert m.evaluate(now=104.9) is not None


def test_too_few_ops_and_nemesis_operator_or_snooper_ops_do_not_count() -> None:
    m = monitor("error_rate > 10%")
    m.observe(op(100, "invoke"))
    m.observe(op(100, "fail"))
    for _ in range(10):
        m.observe(op(100, "invoke", f="kill", process="nemesis"))
        m.observe(op(100, "fail", f="manual_deliver", process="operator"))
        m.observe(op(100, "invoke", f="snoop_admin", process="snooper-1-1"))
        m.observe(op(100, "fail", f="snoop_admin", process="snooper-1-1"))
    assert m.evaluate(now=100.5) is None


def test_delivery_p99_counts_orders_still_waiting() -> None:
    m = monitor("delivery_p99 > 30s")
    m.observe(op(100, "ok", f="pay", order="a"))
    m.observe(op(101, "ok", f="await_delivery", order="a"))   # delivered in 1 s
    m.observe(op(102, "ok", f="pay", order="stuck"))
    assert m.evaluate(now=120) is None
    trip = m.evaluate(now=133)                  # "stuck" has waited 31 s
    assert trip is not None and trip.value == 31
    assert "measured 31.00 s" in trip.describe()


def test_a_buyer_who_gave_up_is_no_longer_waiting() -> None:
    m = monitor("delivery_p50 > 5s")
    m.observe(op(100, "ok", f="pay", order="a"))
    m.observe(op(103, "info", f="await_delivery", order="a"))
    assert m.evaluate(now=200) is None


def test_live_the_monitor_trips_from_events_stops_and_calls_back() -> None:
    events, tripped, stopping = Events(), cast(list[Trip], []), cast(list[str], [])
    recorded: list[Op] = []
    events.op_recorded.add_listener(lambda op: recorded.append(op))
    events.stopping.add_listener(lambda reason, at: stopping.append(reason))
    m = AbortMonitor(["error_rate >= 100%"], events, tripped.append, tick_s=0.02)
    m.start()
    for _ in range(5):
        events.op_recorded.fire(op=Op("buyer-1", "invoke", "create_order", {}, m.clock()))
        events.op_recorded.fire(op=Op("buyer-1", "fail", "create_order", {}, m.clock()))
    wait_until(lambda: tripped, timeout=5, what="the stop condition to trip")
    assert m.tripped is tripped[0] and stopping == [tripped[0].describe()]
    abort = [o for o in recorded if o.f == "abort"]
    assert abort and abort[0].process == "nemesis"
    assert abort[0].value["rule"] == "error_rate >= 100%"
    m.stop()


def test_bad_rules_are_refused_when_the_monitor_is_made() -> None:
    with pytest.raises(ValueError, match="is not a stop condition"):
        AbortMonitor(["error rate high"], Events())
