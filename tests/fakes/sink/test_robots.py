"""The IM/mail sink: each robot's request and reply shapes, signing, throttling, ledgers."""

from __future__ import annotations

import time

import httpx

from fakes.sink.robots import dingtalk_sign
from tests.fakes._clients import behave, ledger

TEXT = "[faka-alert] rule=stuck_paid_orders 6 orders stuck"


def _ding(sink: str, body: object, secret: str = "SEC123", token: str = "t1") -> dict[str, object]:
    ts = int(time.time() * 1000)
    url = f"{sink}/robot/send?access_token={token}&timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
    return dict(httpx.post(url, json=body).json())


def test_dingtalk_text_markdown_sign_and_keyword(sink: str) -> None:
    assert _ding(sink, {"msgtype": "text", "text": {"content": TEXT}}) == {"errcode": 0,
                                                                            "errmsg": "ok"}
    md = {"msgtype": "markdown", "markdown": {"title": "faka-alert", "text": "### stuck"}}
    assert _ding(sink, md)["errcode"] == 0
    assert _ding(sink, {"msgtype": "text", "text": {"content": TEXT}}, secret="bad")["errmsg"] == (
        "sign not match")
    unsigned = httpx.post(sink + "/robot/send?access_token=t1", json={}).json()
    assert unsigned["errcode"] == 310000
    assert _ding(sink, {"msgtype": "text", "text": {"content": "no keyword"}})["errmsg"] == (
        "keywords not in content")
    assert _ding(sink, {"msgtype": "text"})["errcode"] == 40035
    assert httpx.post(sink + "/robot/send", json={}).json()["errcode"] == 300001
    messages = ledger(sink, "messages")
    assert [(m["channel"], m["msgtype"], m["throttled"]) for m in messages] == [
        ("dingtalk", "text", False), ("dingtalk", "markdown", False)]
    assert messages[0]["text"] == TEXT and messages[1]["text"] == "faka-alert\n### stuck"


def test_telegram_json_form_and_query(sink: str) -> None:
    ok = httpx.post(sink + "/bot123:ABC/sendMessage", json={"chat_id": -100, "text": TEXT}).json()
    assert ok["ok"] is True and ok["result"]["text"] == TEXT and ok["result"]["message_id"] == 1
    form = httpx.post(sink + "/bot123:ABC/sendMessage", data={"chat_id": "7", "text": "form"})
    query = httpx.post(sink + "/bot123:ABC/sendMessage?chat_id=7&text=q&parse_mode=Markdown")
    assert form.json()["ok"] and query.json()["ok"]
    empty = httpx.post(sink + "/bot123:ABC/sendMessage", json={"chat_id": 1, "text": ""})
    assert empty.status_code == 400 and empty.json()["description"].startswith("Bad Request")
    no_chat = httpx.post(sink + "/bot123:ABC/sendMessage", json={"text": "x"})
    assert no_chat.status_code == 400 and "chat_id" in no_chat.json()["description"]
    bad_json = httpx.post(sink + "/bot1/sendMessage", content=b"{",
                          headers={"content-type": "application/json"})
    assert bad_json.status_code == 400
    assert [m["text"] for m in ledger(sink, "messages")] == [TEXT, "form", "q"]


def test_wecom_text_and_errors(sink: str) -> None:
    body = {"msgtype": "text", "text": {"content": TEXT, "mentioned_list": ["@all"]}}
    assert httpx.post(sink + "/cgi-bin/webhook/send?key=k1", json=body).json() == {
        "errcode": 0, "errmsg": "ok"}
    assert httpx.post(sink + "/cgi-bin/webhook/send", json=body).json()["errcode"] == 93000
    long = {"msgtype": "text", "text": {"content": "x" * 3000}}
    assert httpx.post(sink + "/cgi-bin/webhook/send?key=k1", json=long).json()["errcode"] == 40058
    assert httpx.post(sink + "/cgi-bin/webhook/send?key=k1", content=b"nope").json()["errcode"] == (
        40008)
    assert [m["channel"] for m in ledger(sink, "messages")] == ["wecom"]


def test_buyer_mail(sink: str) -> None:
    mail = {"to": "buyer@example.com", "order_no": "O1", "kind": "delay_notice",
            "subject": "延迟发货", "body": "sorry", "coupon": "SORRY5"}
    reply = httpx.post(sink + "/mail/send", json=mail).json()
    assert reply["ok"] and reply["id"] == 1
    assert httpx.post(sink + "/mail/send", json={"kind": "x"}).status_code == 422
    assert httpx.post(sink + "/mail/send", content=b"[").status_code == 400
    (item,) = ledger(sink, "mails")
    assert {k: item[k] for k in mail} == mail and item["at"] > 0


def test_error_rate_answers_502(sink: str) -> None:
    behave(sink, error_rate=1.0)
    resp = httpx.post(sink + "/cgi-bin/webhook/send?key=k",
                      json={"msgtype": "text", "text": {"content": "x"}})
    assert resp.status_code == 502 and ledger(sink, "messages") == []
