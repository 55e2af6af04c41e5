"""The buyer who pays twice (`double_pay`) and epay's refund API (`api.php?act=refund`), on a
manual clock: the second payment is its own paid trade in the ledger, notified like any
payment; refunds are recorded on the payment's ledger row."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes._clients import KEY, PID, create_fields
from tests.fakes._inprocess import Gateway, run


async def _refund(gw: Gateway, **fields: str) -> dict[str, Any]:
    resp = await gw.client.post("/api.php", data={"act": "refund", "pid": PID, "key": KEY,
                                                  **fields})
    return dict(resp.json())


def test_a_double_payment_is_a_second_paid_trade_notified_like_any() -> None:
    gw = Gateway(double_pay=1.0, double_pay_delay_s=60.0)

    async def scenario() -> list[dict[str, Any]]:
        await gw.pay("O-1")
        await gw.run_for(1.0)
        return list(gw.state.ledger.items("payments"))
    first, second = run(scenario())
    assert first["status"] == second["status"] == "paid"
    assert second["out_trade_no"] == "O-1" and second["trade_no"] != first["trade_no"]
    assert second["double_of"] == first["trade_no"] and second["money"] == first["money"]
    assert second["paid_at"] - first["paid_at"] == pytest.approx(60.0 / gw.state.time_scale)
    notified = [n["trade_no"] for n in gw.notifies("O-1")]
    assert notified == [first["trade_no"], second["trade_no"]]   # the shop hears of both
    assert gw.state.by_out["O-1"] is first                        # queries answer the first


def test_no_double_payment_by_default_and_none_of_a_double() -> None:
    gw = Gateway()

    async def scenario() -> int:
        await gw.pay("O-1")
        await gw.run_for(10.0)
        return len(gw.state.ledger.items("payments"))
    assert run(scenario()) == 1


def test_refund_is_recorded_and_a_second_refund_refused() -> None:
    gw = Gateway()

    async def scenario() -> tuple[dict[str, Any], ...]:
        trade_no = await gw.pay("O-2", "50.00")
        ok = await _refund(gw, trade_no=trade_no, money="50.00")
        again = await _refund(gw, trade_no=trade_no, money="50.00")
        view = (await gw.client.get("/api.php", params={"act": "order", "pid": PID, "key": KEY,
                                                         "trade_no": trade_no})).json()
        return ok, again, view, gw.state.by_trade[trade_no]
    ok, again, view, row = run(scenario())
    assert ok["code"] == 1 and ok["money"] == "50.00"
    assert again["code"] == -1 and "already refunded" in again["msg"]
    assert view["status"] == 2                                    # epay: 2 = refunded
    assert row["refunded"] == "50.00" and row["refunds"][0]["money"] == "50.00"


def test_refund_refusals_in_epay_shape() -> None:
    gw = Gateway()

    async def scenario() -> list[dict[str, Any]]:
        trade_no = await gw.pay("O-3", "50.00")
        created = await gw.client.post("/mapi.php",
                                       data=create_fields("O-4", "http://127.0.0.1:9/n"))
        unpaid = created.json()["trade_no"]
        return [await _refund(gw, trade_no=trade_no, money="50.01"),
                await _refund(gw, trade_no=unpaid, money="50.00"),
                await _refund(gw, trade_no="nope", money="1.00"),
                await _refund(gw, trade_no=trade_no, money="-1"),
                await _refund(gw, trade_no=trade_no, money="1.00", key="wrong")]
    over, unpaid, unknown, bad_money, bad_key = run(scenario())
    assert over["code"] == -1 and "more than is left" in over["msg"]
    assert unpaid["code"] == -1 and "not paid" in unpaid["msg"]
    assert unknown["code"] == -1 and unknown["msg"] == "订单号不存在"
    assert bad_money["code"] == -1 and bad_key["code"] == -3
    assert "refunded" not in gw.state.by_out["O-3"]


def test_refund_refused_knob_refuses_and_records_nothing() -> None:
    gw = Gateway(refund_refused=1.0)

    async def scenario() -> dict[str, Any]:
        trade_no = await gw.pay("O-5")
        return await _refund(gw, trade_no=trade_no, money="50.00")
    reply = run(scenario())
    assert reply["code"] == -1 and "balance" in reply["msg"]
    assert "refunded" not in gw.state.by_out["O-5"]
