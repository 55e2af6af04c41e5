"""The reference shop's channel admin API (delivery/api/channels.py), in process: the token,
validation in English and Chinese, masking, the config file written, the running shop changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.delivery.inproc import Shop, shop

NEW_GW = "http://127.0.0.1:47000/"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Shop]:
    with shop(tmp_path) as s:
        yield s


def test_admin_token_is_required(app: Shop) -> None:
    assert app.client.get("/admin/channels").status_code == 401
    r = app.client.put("/admin/channels", json={"gateway": {"url": NEW_GW}},
                       headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    assert app.ctx.cfg.gateway.url != NEW_GW


def test_reads_mask_the_secrets(app: Shop) -> None:
    body = app.admin("GET", "/admin/channels").json()
    key = app.ctx.cfg.gateway.key
    assert body["gateway"]["pid"] == app.ctx.cfg.gateway.pid and body["gateway"]["key"] != key
    assert body["notify_url"] == app.ctx.cfg.public_base_url.rstrip("/") + "/notify/epay"
    assert "{order_no}" in body["return_url"]


def test_a_change_reaches_the_next_order(app: Shop) -> None:
    r = app.admin("PUT", "/admin/channels", json={
        "gateway": {"url": NEW_GW, "public_url": "http://127.0.0.1:47001/", "pid": "2002",
                    "key": "k2"}, "public_base_url": "http://127.0.0.1:47009"})
    assert r.status_code == 200, r.text
    assert r.json()["saved_to"] is None                   # built without a config file
    app.import_keys(["CH-1"])
    order = app.order()
    assert order["pay_url"] == "http://127.0.0.1:47001/submit.php"
    assert order["pay_params"]["pid"] == "2002"
    assert order["pay_params"]["notify_url"] == "http://127.0.0.1:47009/notify/epay"
    assert app.pay(order).text != "success"               # signed with the old key: refused


@pytest.mark.parametrize(("body", "field", "zh"), [
    ({"gateway": {"url": "ftp://x"}}, "gateway.url", "http(s) 地址"),
    ({"gateway": {"pid": "10 01"}}, "gateway.pid", "商户号"),
    ({"suppliers": {"third": {"url": "http://127.0.0.1:1"}}}, "suppliers.third", "未知的供应商"),
    ({"suppliers": {"backup": {"api_key": "k"}}}, "suppliers.backup.url", "新增供应商"),
    ({"alerts": {"slack": "http://127.0.0.1:1"}}, "alerts.slack", "未知的机器人"),
    ({"gatway": {"url": NEW_GW}}, "gatway", "未知字段"),
])
def test_bad_values_are_refused_in_both_languages(app: Shop, body: dict[str, object],
                                                  field: str, zh: str) -> None:
    before = app.ctx.cfg
    r = app.admin("PUT", "/admin/channels", json=body)
    assert r.status_code == 422, r.text
    message = r.json()["error"]
    assert f"{field}:" in message and zh in message and "渠道设置无效" in message
    assert app.ctx.cfg is before                          # nothing half-applied


def test_an_empty_or_strange_body_says_what_is_expected(app: Shop) -> None:
    r = app.admin("PUT", "/admin/channels", json={})
    assert r.status_code == 400 and "gateway" in r.json()["error"]
    r = app.admin("PUT", "/admin/channels", content=b"[" * 5000)
    assert r.status_code == 400 and "deeper" in r.json()["error"]
    r = app.admin("PUT", "/admin/channels", content=b"{nope")
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    r = app.admin("PUT", "/admin/channels", json={"gateway": "http://127.0.0.1:1"})
    assert r.status_code == 422 and "gateway" in r.json()["error"]


def test_the_config_file_is_rewritten_with_the_other_keys_kept(app: Shop, tmp_path: Path
                                                               ) -> None:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps({"admin_token": "drill-admin", "products": [], "x_note": 1}),
                    encoding="utf-8")
    app.client.app.state.config_path = str(path)  # type: ignore[attr-defined]
    r = app.admin("POST", "/admin/channels", json={
        "suppliers": {"primary": {"url": "http://127.0.0.1:47002"}},
        "alerts": {"dingtalk": "http://127.0.0.1:47003/robot/send", "telegram": None}})
    assert r.status_code == 200 and r.json()["saved_to"] == str(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["x_note"] == 1 and saved["products"] == []
    assert saved["suppliers"]["primary"]["url"] == "http://127.0.0.1:47002"
    assert saved["alerts"]["telegram"] is None
    assert app.ctx.cfg.alerts.dingtalk == "http://127.0.0.1:47003/robot/send"
    worker = app.client.app.state.worker  # type: ignore[attr-defined]
    assert worker.procurer.clients["primary"].sup.url == "http://127.0.0.1:47002"
