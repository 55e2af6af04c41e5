"""The gateway in-process (httpx ASGITransport): create, pay, query, and hostile input
answered in epay's own shape or a JSON 4xx, never a 500."""

from __future__ import annotations

import pytest

from fakes.payment import epay
from tests.fakes._clients import KEY, PID, create_fields
from tests.fakes._inprocess import Gateway, run


def test_create_pay_and_query() -> None:
    gw = Gateway()

    async def scenario() -> dict[str, object]:
        trade_no = await gw.pay("O-1", "12.30")
        await gw.run_for(1.0)
        resp = await gw.client.get("/api.php", params={"act": "order", "pid": PID, "key": KEY,
                                                       "trade_no": trade_no})
        return dict(resp.json())
    order = run(scenario())
    assert order["status"] == 1 and order["money"] == "12.30" and order["out_trade_no"] == "O-1"
    (call,) = gw.transport.calls
    assert epay.verify(call["params"], KEY) and call["params"]["money"] == "12.30"


@pytest.mark.parametrize("money", ["1e999999", "NaN", "sNaN", "-1.00", "9" * 500, "0.001"])
def test_bad_money_is_refused_in_epay_shape(money: str) -> None:
    gw = Gateway()

    async def scenario() -> dict[str, object]:
        fields = create_fields("O-m", "http://127.0.0.1:9/n", money)
        return dict((await gw.client.post("/mapi.php", data=fields)).json())
    reply = run(scenario())
    assert reply["code"] == -1 and "金额" in str(reply["msg"])


@pytest.mark.parametrize("url", ["http://[::1", "http://exa\x00mple/", "ftp://127.0.0.1/",
                                 "http://" + "a" * 5000, "http://10.0.0.1/notify"])
def test_bad_notify_urls_are_refused_in_epay_shape(url: str) -> None:
    gw = Gateway()

    async def scenario() -> dict[str, object]:
        fields = create_fields("O-u", url)
        return dict((await gw.client.post("/mapi.php", data=fields)).json())
    reply = run(scenario())
    assert reply["code"] == -1 and "notify_url" in str(reply["msg"])


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"pid": NaN}', b"\xff\xfe",
                                 b'{"pid": "\\ud800"}', b"x" * (300 * 1024)])
def test_hostile_bodies_never_give_a_500(raw: bytes) -> None:
    gw = Gateway()

    async def scenario() -> list[int]:
        codes = []
        for path in ("/mapi.php", "/api.php", "/_fake/behaviour"):
            for ctype in ("application/json", "application/x-www-form-urlencoded"):
                resp = await gw.client.post(path, content=raw, headers={"content-type": ctype})
                codes.append(resp.status_code)
        return codes
    assert all(code < 500 for code in run(scenario()))


def test_submit_php_answers_an_html_redirect_like_real_epay_when_asked() -> None:
    gw = Gateway()

    async def scenario() -> tuple[str, str, str, str]:
        fields = create_fields("O-h", "http://127.0.0.1:9/n")
        as_json = (await gw.client.post("/submit.php", data=fields)).text
        await gw.client.put("/_fake/behaviour", json={"submit_reply": "html"})
        page = (await gw.client.post("/submit.php", data=fields)).text
        api = (await gw.client.post("/mapi.php", data=fields)).text
        bad = (await gw.client.post("/submit.php", data={**fields, "sign": "x"})).text
        return as_json, page, api, bad
    as_json, page, api, bad = run(scenario())
    assert '"payurl"' in as_json and '"payurl"' in api          # JSON unless asked, mapi always
    assert page.startswith("<script>window.location.href='http://") and "/pay/" in page
    assert page.endswith("';</script>")
    assert bad == "<h3>签名错误</h3>"
