"""Order → notify → local delivery against the real service process, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

from tests.delivery._rawhttp import fire
from tests.delivery.conftest import KEY, base_config, notify_params
from tests.waiting import wait_until


def _fire(url: str, reqs: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    return [(st, json.loads(b) if b.startswith(b"{") else b.decode())
            for st, b in asyncio.run(fire(url, reqs))]


def test_order_pay_deliver_and_read_card(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    codes = svc.import_keys(3)
    o = svc.order()
    assert o["status"] == "pending_payment" and o["amount"] == "50.00"
    assert o["pay_url"].endswith("/submit.php") and o["pay_params"]["out_trade_no"] == o["order_no"]
    r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00"))
    assert r.status_code == 200 and r.text == "success"

    def delivered() -> bool:
        st = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]}).json()
        return bool(st["delivered"])
    wait_until(delivered)
    cards = svc.http.get(f"/api/orders/{o['order_no']}/cards", params={"token": o["token"]})
    assert cards.status_code == 200 and cards.json()["cards"][0] in codes
    assert svc.http.get(f"/api/orders/{o['order_no']}/cards",
                        params={"token": "wrong"}).status_code == 404
    products = {p["id"]: p for p in svc.http.get("/api/products").json()}
    assert products["steam-50"]["stock_available"] == 2


def test_500_duplicate_notifies_deliver_once(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    svc.import_keys(10)
    o = svc.order()
    params = notify_params(o["order_no"], "50.00")
    rs = _fire(svc.url, [{"method": "GET", "path": "/notify/epay", "params": params}] * 500)
    assert rs == [(200, "success")] * 500
    wait_until(lambda: svc.export()["deliveries"])
    ex = svc.export()
    assert len(ex["payments"]) == 1
    assert len(ex["deliveries"]) == 1 and len(ex["deliveries"][0]["codes"]) == 1
    assert [j["state"] for j in ex["jobs"]] == ["done"]
    assert ex["stock"][0]["delivered"] == 1 and ex["stock"][0]["available"] == 9


def test_1000_orders_for_100_keys_never_oversell(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    svc.import_keys(100)
    body = {"product_id": "steam-50", "quantity": 1, "contact": "flash@x.cn"}
    rs = _fire(svc.url, [{"method": "POST", "path": "/api/orders", "json_body": body}] * 1000)
    statuses = Counter(st for st, _ in rs)
    assert statuses == {201: 100, 409: 900}, statuses
    assert all("out of stock" in doc["error"] for st, doc in rs if st == 409)
    won = [doc for st, doc in rs if st == 201]
    stock = svc.export()["stock"][0]
    assert stock["reserved"] == 100 and stock["available"] == 0
    pays = [{"method": "GET", "path": "/notify/epay",
             "params": notify_params(o["order_no"], "50.00")} for o in won]
    assert {doc for _, doc in _fire(svc.url, pays)} == {"success"}
    wait_until(lambda: len(svc.export()["deliveries"]) == 100)
    ex = svc.export()
    all_codes = [c for d in ex["deliveries"] for c in d["codes"]]
    assert len(all_codes) == 100 and len(set(all_codes)) == 100
    assert ex["stock"][0]["delivered"] == 100
    assert {o["status"] for o in ex["orders"]} == {"delivered"}


def test_bad_signature_and_wrong_amount_change_nothing(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    svc.import_keys(2)
    o = svc.order()
    forged = notify_params(o["order_no"], "50.00", key="not-the-key")
    r = svc.http.get("/notify/epay", params=forged)
    assert r.status_code == 400 and "signature" in r.text
    cheap = notify_params(o["order_no"], "0.01")
    r = svc.http.get("/notify/epay", params=cheap)
    assert r.status_code == 400 and "amount" in r.text
    tampered = {**notify_params(o["order_no"], "50.00"), "money": "5.00"}
    assert svc.http.get("/notify/epay", params=tampered).status_code == 400
    ex = svc.export()
    assert ex["payments"] == [] and ex["deliveries"] == []
    assert ex["orders"][0]["status"] == "pending_payment"
    metrics = svc.http.get("/metrics").text
    assert 'faka_payment_anomalies_total{kind="bad_sign"} 2.0' in metrics
    assert 'faka_payment_anomalies_total{kind="amount_mismatch"} 1.0' in metrics
    alerts = wait_until(lambda: svc.admin("GET", "/admin/alerts").json()["alerts"])
    assert any(a["rule"] == "payment_anomaly" for a in alerts)


def test_post_form_notify_and_key_stays_secret(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    svc.import_keys(1)
    o = svc.order()
    r = svc.http.post("/notify/epay", data=notify_params(o["order_no"], "50.00"))
    assert r.text == "success"
    assert KEY not in svc.http.get("/openapi.json").text
