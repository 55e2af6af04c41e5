"""The gateway's fast lane (fakes/_common/hot.py) answers byte for byte what its Starlette
app answers, for good and bad requests alike, and leaves every other request to it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fakes._common import ManualClock
from fakes._common.hot import HotLane
from fakes.payment import GatewayState, Merchant, make_app
from tests.fakes._clients import KEY, PID, create_fields
from tests.fakes._inprocess import ScriptedTransport, run

NOTIFY = "http://127.0.0.1:9/notify"
Step = tuple[str, str, dict[str, Any]]


def _steps() -> list[Step]:
    good = create_fields("A1", NOTIFY)
    return [
        ("POST", "/mapi.php", {"data": good}),
        ("POST", "/mapi.php", {"data": good}),                               # same again
        ("POST", "/mapi.php", {"data": create_fields("A1", NOTIFY, "9.99")}),  # other amount
        ("GET", "/submit.php", {"params": create_fields("A2", NOTIFY)}),
        ("POST", "/submit.php", {"json": create_fields("A3", NOTIFY)}),
        ("POST", "/submit.php?pid=1", {"data": {**good, "sign": "0" * 32}}),
        ("POST", "/mapi.php", {"data": {"pid": PID}}),
        ("POST", "/mapi.php", {"data": create_fields("A4", "http://8.8.8.8/notify")}),
        ("POST", "/mapi.php", {"data": create_fields("A5", NOTIFY, "0.001")}),
        ("POST", "/mapi.php", {"content": b"x" * (256 * 1024 + 1)}),
        ("POST", "/mapi.php", {"content": b"{not json", "headers": {
            "content-type": "application/json"}}),
        ("POST", "/pay/20240000000000000", {}),
        ("POST", "/pay/{trade}", {}),
        ("POST", "/pay/{trade}", {}),                                         # already paid
        ("GET", "/api.php", {"params": {"act": "order", "pid": PID, "key": KEY,
                                        "trade_no": "{trade}"}}),
        ("POST", "/api.php", {"data": {"act": "order", "pid": PID, "key": KEY,
                                       "out_trade_no": "A1"}}),
        ("GET", "/api.php", {"params": {"act": "order", "pid": PID, "key": "wrong"}}),
        ("GET", "/api.php", {"params": {"act": "nope"}}),
        ("HEAD", "/submit.php", {}),
        ("GET", "/pay/{trade}", {}),
        ("POST", "/pay/", {}),
        ("POST", "/pay/a/b", {}),
        ("PUT", "/mapi.php", {}),
        ("GET", "/_fake/ledger", {"params": {"kind": "payments"}}),
    ]


def _play(app: Any, steps: list[Step], *, html: bool = False) -> list[tuple[int, str, bytes]]:
    async def go() -> list[tuple[int, str, bytes]]:
        out: list[tuple[int, str, bytes]] = []
        trade = ""
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://gateway.test:8080") as client:
            if html:
                await client.put("/_fake/behaviour", json={"submit_reply": "html"})
            for method, path, kw in steps:
                path = path.replace("{trade}", trade)
                kw = json.loads(json.dumps(kw).replace("{trade}", trade)) if "content" not in kw \
                    else kw
                r = await client.request(method, path, **kw)
                if r.headers.get("content-type") == "application/json" and not trade:
                    trade = str(r.json().get("trade_no") or "")
                out.append((r.status_code, " ".join(f"{k}={v}" for k, v in r.headers.items()),
                            r.content))
        return out
    return run(go())


def _gateway() -> tuple[Any, GatewayState]:
    clock = ManualClock()
    state = GatewayState(Merchant(PID, KEY), 7, 600.0, {}, clock=clock)
    return make_app(state, ScriptedTransport(clock)), state


@pytest.mark.parametrize("html", [False, True])
def test_fast_lane_answers_what_starlette_answers(html: bool) -> None:
    hot, hot_state = _gateway()
    plain, plain_state = _gateway()
    assert isinstance(hot, HotLane) and isinstance(plain, HotLane)
    got = _play(hot, _steps(), html=html)
    want = _play(plain.app, _steps(), html=html)    # the Starlette app alone
    assert [g[0] for g in got] == [w[0] for w in want]
    for step, g, w in zip(_steps(), got, want, strict=True):
        assert g == w, step
    assert hot_state.ledger.items("payments") == plain_state.ledger.items("payments")
    def timeless(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in i.items() if k != "latency_ms"} for i in items]  # wall time
    assert timeless(hot_state.ledger.items("notifies")) == \
        timeless(plain_state.ledger.items("notifies"))
    assert {s for s, _h, _b in got} >= {200, 404, 405, 413}


def test_fast_lane_crash_is_a_json_500_and_state_reads_reach_starlette() -> None:
    hot, state = _gateway()
    assert hot.state.gateway is state and hot.state.notifier is not None
    state.by_trade["boom"] = {"status": "created"}   # a payment without its fields
    status, _headers, body = _play(hot, [("POST", "/pay/boom", {})])[0]
    assert status == 500
    assert json.loads(body)["error"].startswith("internal error in fake on /pay/boom: KeyError")
