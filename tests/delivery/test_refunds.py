"""A second payment for a paid order is given back: in process, the shop's outbound client
talks to the real gateway fake's app (httpx ASGITransport), so the refund job's
`api.php?act=refund` lands in the gateway's own ledger; a refusal raises refund_needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from delivery.db.schema import jobs
from fakes._common import ManualClock
from fakes.payment import GatewayState, Merchant, make_app
from tests.delivery.conftest import KEY
from tests.delivery.inproc import Shop, shop
from tests.waiting import wait_until

GATEWAY = {"url": "http://gateway.test", "pid": "1001", "key": KEY}


def _gateway(**knobs: Any) -> tuple[GatewayState, httpx.AsyncClient]:
    state = GatewayState(Merchant("1001", KEY), 7, 60.0, knobs, clock=ManualClock())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(state)),
                               base_url=GATEWAY["url"])
    return state, client


def _paid_twice(s: Shop, state: GatewayState) -> dict[str, Any]:
    """An order paid with T-1, then again with T-2, both trades paid at the gateway."""
    s.import_keys(["K-1"])
    o = s.order()
    for trade_no in ("T-1", "T-2"):
        state.by_trade[trade_no] = {"trade_no": trade_no, "out_trade_no": o["order_no"],
                                    "money": o["amount"], "status": "paid"}
        r = s.pay(o, trade_no)
        assert r.status_code == 200 and r.text == "success"
    return o


def _jobs(s: Shop, kind: str) -> list[dict[str, Any]]:
    """The shop's jobs of `kind`, read on a connection of our own (the export lists delivery
    jobs only, and the shop's own connection belongs to its event loop)."""
    engine = create_engine(s.ctx.cfg.db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(jobs)
                                                           .where(jobs.c.kind == kind))]
    finally:
        engine.dispose()


def _alerts(s: Shop) -> list[dict[str, Any]]:
    return [a for a in s.admin("GET", "/admin/export").json()["alerts"]
            if a["rule"] == "refund_needed"]


def test_a_second_payment_is_refunded_at_the_gateway(tmp_path: Path) -> None:
    state, client = _gateway()
    with shop(tmp_path, http=client, gateway=GATEWAY) as s:
        o = _paid_twice(s, state)
        wait_until(lambda: state.by_trade["T-2"].get("refunded") == "50.00", timeout=10,
                   what="the refund of T-2 at the gateway")
        wait_until(lambda: [j["state"] for j in _jobs(s, "refund")] == ["done"], timeout=10,
                   what="the refund job done")
        assert "refunded" not in state.by_trade["T-1"]          # the first payment is kept
        assert s.status(o)["delivered"] and _alerts(s) == []


def test_a_refused_refund_raises_refund_needed_naming_order_and_trade(tmp_path: Path) -> None:
    state, client = _gateway(refund_refused=1.0)
    with shop(tmp_path, http=client, gateway=GATEWAY) as s:
        o = _paid_twice(s, state)
        wait_until(lambda: _alerts(s), timeout=10, what="a refund_needed alert")
        (alert,) = _alerts(s)
        assert o["order_no"] in alert["message"] and "T-2" in alert["message"]
        assert "balance" in alert["message"]
        assert [j["state"] for j in _jobs(s, "refund")] == ["failed"]
        assert "refunded" not in state.by_trade["T-2"]


def test_an_unreachable_gateway_is_retried(tmp_path: Path) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("gateway down", request=request)
    client = httpx.AsyncClient(transport=httpx.MockTransport(down))
    with shop(tmp_path, http=client, gateway=GATEWAY) as s:
        s.import_keys(["K-1"])
        o = s.order()
        for trade_no in ("T-1", "T-2"):
            assert s.pay(o, trade_no).text == "success"
        wait_until(lambda: any(j["attempts"] >= 1 and j["state"] == "pending"
                               for j in _jobs(s, "refund")), timeout=10,
                   what="the refund job waiting to retry")
        assert _alerts(s) == []


def test_defect_double_payment_kept_neither_refunds_nor_alerts(tmp_path: Path) -> None:
    state, client = _gateway()
    with shop(tmp_path, http=client, gateway=GATEWAY, defects=["double-payment-kept"]) as s:
        o = _paid_twice(s, state)
        wait_until(lambda: s.status(o)["delivered"], timeout=10, what="delivered")
        assert _jobs(s, "refund") == [] and _alerts(s) == []
        assert "refunded" not in state.by_trade["T-2"]
