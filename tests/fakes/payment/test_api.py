"""The gateway's epay endpoints: create, pay, query, and clear errors for bad input."""

from __future__ import annotations

import httpx

from fakes.payment import epay
from tests.fakes._clients import (
    KEY,
    PID,
    arrived,
    at_least,
    create_and_pay,
    create_fields,
    ledger,
    received,
)
from tests.waiting import wait_until


def test_mapi_create_pay_notify_and_query(gateway: str, merchant: str) -> None:
    notify_url = merchant + "/notify/epay"
    trade_no = create_and_pay(gateway, "O-1", notify_url, "50.00")
    got = arrived(merchant, 1)
    params = got[0]["params"]
    assert got[0]["method"] == "GET"
    assert params["trade_status"] == "TRADE_SUCCESS" and params["sign_type"] == "MD5"
    assert params["trade_no"] == trade_no and params["out_trade_no"] == "O-1"
    assert params["money"] == "50.00" and params["pid"] == PID and params["type"] == "alipay"
    assert params["name"] == "Steam 50" and epay.verify(params, KEY)
    query = httpx.get(gateway + "/api.php", params={"act": "order", "pid": PID, "key": KEY,
                                                    "out_trade_no": "O-1"}).json()
    assert query["code"] == 1 and query["status"] == 1 and query["trade_no"] == trade_no
    assert query["money"] == "50.00" and query["endtime"]


def test_submit_php_get_and_post_form(gateway: str, merchant: str) -> None:
    by_get = httpx.get(gateway + "/submit.php",
                       params=create_fields("O-get", merchant + "/notify/epay")).json()
    by_post = httpx.post(gateway + "/submit.php",
                         data=create_fields("O-post", merchant + "/notify/epay")).json()
    assert by_get["code"] == 1 and by_post["code"] == 1
    assert by_get["payurl"].endswith("/pay/" + by_get["trade_no"])
    query = httpx.get(gateway + "/api.php", params={"act": "order", "pid": PID, "key": KEY,
                                                    "trade_no": by_post["trade_no"]}).json()
    assert query["status"] == 0 and query["out_trade_no"] == "O-post"


def test_create_errors_in_epay_shape(gateway: str, merchant: str) -> None:
    url = merchant + "/notify/epay"
    bad_sign = {**create_fields("O-b", url), "sign": "0" * 32}
    assert httpx.post(gateway + "/mapi.php", data=bad_sign).json() == {"code": -1,
                                                                       "msg": "签名错误"}
    missing = httpx.post(gateway + "/mapi.php", data={"pid": PID}).json()
    assert missing["code"] == -1 and "out_trade_no" in missing["msg"]
    wrong_pid = create_fields("O-c", url)
    wrong_pid["pid"] = "9"
    assert "pid" in httpx.post(gateway + "/mapi.php", data=wrong_pid).json()["msg"]
    for money in ("0", "-1.00", "abc", "1.001"):
        reply = httpx.post(gateway + "/mapi.php", data=create_fields("O-m", url, money)).json()
        assert reply["code"] == -1 and "money" in reply["msg"]
    offsite = create_fields("O-x", "http://203.0.113.9/notify")
    assert "loopback" in httpx.post(gateway + "/mapi.php", data=offsite).json()["msg"]
    garbage = httpx.post(gateway + "/mapi.php", content=b"\xff\xfe%%%",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert garbage.status_code == 200 and garbage.json()["code"] == -1


def test_same_out_trade_no_is_idempotent_but_not_with_other_amount(gateway: str,
                                                                   merchant: str) -> None:
    url = merchant + "/notify/epay"
    first = httpx.post(gateway + "/mapi.php", data=create_fields("O-i", url)).json()
    again = httpx.post(gateway + "/mapi.php", data=create_fields("O-i", url)).json()
    other = httpx.post(gateway + "/mapi.php", data=create_fields("O-i", url, "51.00")).json()
    assert first["trade_no"] == again["trade_no"] and other["code"] == -1
    assert len(ledger(gateway, "payments")) == 1


def test_pay_is_idempotent_and_unknown_trade_is_404(gateway: str, merchant: str) -> None:
    trade_no = create_and_pay(gateway, "O-p", merchant + "/notify/epay")
    again = httpx.post(f"{gateway}/pay/{trade_no}").json()
    assert again["already_paid"] is True
    missing = httpx.post(gateway + "/pay/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["error"]
    wait_until(at_least(lambda: ledger(gateway, "notifies"), 1), what="notifies")
    assert len(received(merchant)) == 1


def test_query_errors(gateway: str) -> None:
    def q(**params: str) -> dict[str, object]:
        return dict(httpx.get(gateway + "/api.php", params=params).json())
    assert q()["code"] == -5
    assert q(act="order", pid=PID, key="wrong", out_trade_no="x")["code"] == -3
    assert q(act="order", pid=PID, key=KEY, out_trade_no="none")["msg"] == "订单号不存在"


def test_same_seed_gives_same_trade_numbers_after_reset(gateway: str, merchant: str) -> None:
    url = merchant + "/notify/epay"
    first = [httpx.post(gateway + "/mapi.php", data=create_fields(f"S{i}", url)).json()["trade_no"]
             for i in range(3)]
    httpx.post(gateway + "/_fake/reset").raise_for_status()
    second = [httpx.post(gateway + "/mapi.php", data=create_fields(f"S{i}", url)).json()["trade_no"]
              for i in range(3)]
    assert first == second and len(set(first)) == 3


def test_payments_ledger_tracks_status(gateway: str, merchant: str) -> None:
    url = merchant + "/notify/epay"
    create_and_pay(gateway, "L-paid", url, "10.00")
    httpx.post(gateway + "/mapi.php", data=create_fields("L-open", url, "20.00"))
    items = {p["out_trade_no"]: p for p in ledger(gateway, "payments")}
    assert items["L-paid"]["status"] == "paid" and items["L-paid"]["paid_at"]
    assert items["L-open"]["status"] == "created" and items["L-open"]["paid_at"] is None
    assert items["L-open"]["money"] == "20.00" and items["L-open"]["notify_url"] == url
