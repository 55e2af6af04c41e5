"""The sink in-process (Starlette AppThread): robots, throttling and mutes on a manual
clock, buyer mail over HTTP, and bad input answered with a 4xx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes._common import ManualClock
from fakes.sink import SinkState, make_app
from fakes.sink.robots import dingtalk_sign
from tests.fakes._inprocess import AppThread

SCALE = 600.0  # a scenario minute is 0.1 s of clock time
BODY = {"msgtype": "text", "text": {"content": "[faka-alert] stuck orders"}}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def client(clock: ManualClock) -> Iterator[AppThread]:
    state = SinkState(3, SCALE, {}, dingtalk_secret="SEC", clock=clock)
    with AppThread(make_app(state)) as tc:
        yield tc


def _ding(client: AppThread, clock: ManualClock, token: str = "t1") -> int:
    ts = int(clock.now() * 1000)
    url = f"/robot/send?access_token={token}&timestamp={ts}&sign={dingtalk_sign('SEC', ts)}"
    return int(client.post(url, json=BODY).json()["errcode"])


def test_wecom_and_telegram_allow_20_a_minute_per_robot(client: AppThread,
                                                        clock: ManualClock) -> None:
    client.put("/_fake/behaviour", json={"throttle": True, "dingtalk_penalty_s": 0.0})
    wecom = [client.post("/cgi-bin/webhook/send?key=w", json=BODY).json()["errcode"]
             for _ in range(25)]
    tg = [client.post("/bot1/sendMessage", json={"chat_id": 5, "text": "t"}) for _ in range(25)]
    assert wecom.count(0) == 20 and wecom.count(45009) == 5
    assert [r.status_code for r in tg].count(429) == 5
    assert tg[-1].json()["parameters"]["retry_after"] >= 1
    assert client.post("/cgi-bin/webhook/send?key=other", json=BODY).json()["errcode"] == 0
    clock.advance(0.1)  # the scenario minute has passed
    assert client.post("/cgi-bin/webhook/send?key=w", json=BODY).json()["errcode"] == 0
    messages = client.get("/_fake/ledger", params={"kind": "messages"}).json()["items"]
    assert sum(m["throttled"] for m in messages) == 10


def test_dingtalk_mutes_an_over_limit_robot_for_the_penalty(client: AppThread,
                                                           clock: ManualClock) -> None:
    client.put("/_fake/behaviour", json={"throttle": True, "throttle_per_min": 3,
                                         "dingtalk_penalty_s": 600.0})  # 1 s of clock time
    assert [_ding(client, clock) for _ in range(4)] == [0, 0, 0, 130101]
    clock.advance(0.15)  # past the minute, inside the mute
    assert _ding(client, clock) == 130101
    clock.advance(1.0)
    assert _ding(client, clock) == 0
    assert _ding(client, clock, token="t2") == 0


def test_buyer_mail_over_http_is_recorded_with_via(client: AppThread) -> None:
    mail = {"to": "b@example.com", "order_no": "O1", "kind": "delay_notice", "body": "sorry"}
    assert client.post("/mail/send", json=mail).json()["ok"] is True
    (item,) = client.get("/_fake/ledger", params={"kind": "mails"}).json()["items"]
    assert item["via"] == "http" and item["to"] == "b@example.com"


@pytest.mark.parametrize("raw", [b"[" * 5000, b'{"to": NaN, "kind": "x"}', b"\xff\xfe{",
                                 b'{"to": "\\ud800", "kind": "x"}', b'{"to": 1e999}'])
def test_hostile_bodies_get_a_4xx_not_a_500(client: AppThread, raw: bytes) -> None:
    for path in ("/mail/send", "/cgi-bin/webhook/send?key=k", "/bot1/sendMessage",
                 "/robot/send?access_token=t", "/_fake/behaviour"):
        resp = client.post(path, content=raw, headers={"content-type": "application/json"})
        assert resp.status_code < 500, (path, resp.text)
    assert client.get("/_fake/ledger", params={"kind": "mails"}).json()["total"] == 0


def test_a_huge_body_is_refused_with_413(client: AppThread) -> None:
    resp = client.post("/mail/send", content=b" " * (300 * 1024))
    assert resp.status_code == 413 and "over" in resp.json()["error"]


def test_dingtalk_odd_timestamps_are_refused(client: AppThread) -> None:
    for ts in ("²³", "9" * 400, "-5", ""):
        reply = client.post(f"/robot/send?access_token=t&timestamp={ts}&sign=x", json=BODY)
        assert reply.status_code == 200 and reply.json()["errmsg"] == "invalid timestamp"
