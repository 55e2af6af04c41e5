"""Notify timing on a manual clock: retry schedules, holds, duplicates, loss, reordering.

Scenario seconds are divided by the time scale (600): a 60 s gap is 0.1 s of
clock time, exactly, because the clock only moves when the test moves it.
"""

from __future__ import annotations

import itertools

import pytest

from fakes.payment import epay
from fakes.payment.epay import SCHEDULES
from tests.fakes._clients import KEY
from tests.fakes._inprocess import SCALE, Gateway, run

DAY = 86_400.0


@pytest.mark.parametrize(("schedule", "attempts"), [("epay", 4), ("alipay", 3), ("wechat", 6)])
def test_failed_notifies_retry_on_the_schedule_and_stop_at_max_attempts(
        schedule: str, attempts: int) -> None:
    gw = Gateway(reply=lambda params, n: (500, "fail"), schedule=schedule,
                 max_attempts=attempts)

    async def scenario() -> None:
        await gw.pay("T-1")
        await gw.run_for(DAY)
    run(scenario())
    items = gw.notifies("T-1")
    assert [i["attempt"] for i in items] == list(range(1, attempts + 1))
    assert all(i["outcome"] == "fail" and i["http_status"] == 500 for i in items)
    gaps = [b["at"] - a["at"] for a, b in itertools.pairwise(items)]
    assert gaps == pytest.approx([g / SCALE for g in SCHEDULES[schedule][: attempts - 1]], abs=1e-6)
    assert len(gw.transport.calls) == attempts and gw.clock.pending() == 0


def test_the_whole_epay_schedule_runs_when_max_attempts_is_zero() -> None:
    gw = Gateway(reply=lambda params, n: (200, "fail"))

    async def scenario() -> None:
        await gw.pay("T-all")
        await gw.run_for(30 * DAY)
    run(scenario())
    assert len(gw.notifies("T-all")) == len(SCHEDULES["epay"]) + 1


def test_success_stops_the_chain() -> None:
    gw = Gateway(reply=lambda params, n: (200, "success") if n == 3 else (500, "fail"),
                 schedule="wechat")

    async def scenario() -> None:
        await gw.pay("T-ok")
        await gw.run_for(DAY)
    run(scenario())
    assert [i["outcome"] for i in gw.notifies("T-ok")] == ["fail", "fail", "success"]


def test_a_timeout_is_its_own_outcome_and_is_retried() -> None:
    def slow(params: dict[str, str], n: int) -> tuple[int, str]:
        raise TimeoutError
    gw = Gateway(reply=slow, schedule="wechat", max_attempts=2)

    async def scenario() -> None:
        await gw.pay("T-slow")
        await gw.run_for(DAY)
    run(scenario())
    items = gw.notifies("T-slow")
    assert [(i["outcome"], i["http_status"]) for i in items] == [("timeout", None)] * 2


def test_delayed_and_after_expiry_hold_the_first_notify() -> None:
    gw = Gateway(delayed=1.0, delay_s=180.0, after_expiry=1.0, after_expiry_s=300.0)

    async def scenario() -> float:
        start = gw.clock.now()
        await gw.pay("D-1")
        await gw.run_for((180.0 + 300.0) / SCALE - 0.001)
        assert gw.transport.calls == []  # still held
        await gw.run_for(0.002)
        return start
    start = run(scenario())
    (call,) = gw.transport.calls
    assert call["at"] - start == pytest.approx((180.0 + 300.0) / SCALE, abs=1e-6)


def test_duplicate_delayed_repeats_the_same_notify_later() -> None:
    gw = Gateway(duplicate_delayed=1.0, duplicate_delay_s=120.0)

    async def scenario() -> None:
        await gw.pay("D-dup")
        await gw.run_for(DAY)
    run(scenario())
    first, second = gw.transport.calls
    assert second["at"] - first["at"] == pytest.approx(120.0 / SCALE, abs=1e-6)
    assert first["params"] == second["params"] and epay.verify(first["params"], KEY)
    assert sorted(i["variant"] for i in gw.notifies()) == ["duplicate_delayed", "normal"]


def test_a_lost_notify_is_never_sent_but_is_in_the_ledger() -> None:
    gw = Gateway(lost=1.0)

    async def scenario() -> str:
        trade_no = await gw.pay("D-lost")
        await gw.run_for(30 * DAY)
        return trade_no
    trade_no = run(scenario())
    assert gw.transport.calls == []
    assert [(i["trade_no"], i["outcome"], i["attempt"]) for i in gw.notifies()] == [
        (trade_no, "lost", 0)]


def test_out_of_order_lets_later_payments_overtake() -> None:
    gw = Gateway(out_of_order=1.0, reorder_window_s=120.0)
    orders = [f"R{i:02d}" for i in range(10)]

    async def scenario() -> None:
        for order in orders:
            await gw.pay(order)
        await gw.run_for(1.0)
    run(scenario())
    arrival = [c["params"]["out_trade_no"] for c in gw.transport.calls]
    assert sorted(arrival) == orders and arrival != orders
    assert all(0 <= c["at"] - gw.clock.now() + 1.0 <= 120.0 / SCALE + 1e-6
               for c in gw.transport.calls)


def test_reset_cancels_pending_notifies() -> None:
    gw = Gateway(delayed=1.0, delay_s=60.0)

    async def scenario() -> None:
        await gw.pay("D-reset")
        assert gw.clock.pending() == 1
        assert (await gw.client.post("/_fake/reset")).status_code == 200
        await gw.run_for(DAY)
    run(scenario())
    assert gw.transport.calls == [] and gw.notifies() == []
