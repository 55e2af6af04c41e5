"""Admin API (auth, filters, api-log, refund, stock import duplicates), /metrics names and
movement, and card codes never in the service's log. Real processes, time_scale 600."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from runtime import ManagedProcess
from tests.delivery._fakes import DOWN, SCALE, behave, start_logged
from tests.delivery.conftest import base_config, notify_params
from tests.waiting import wait_until

ADMIN_ROUTES = [("GET", "/admin/orders"), ("GET", "/admin/api-log"), ("GET", "/admin/alerts"),
                ("GET", "/admin/export"), ("POST", "/admin/orders/X/deliver"),
                ("POST", "/admin/orders/X/resend"), ("POST", "/admin/orders/X/refund"),
                ("POST", "/admin/orders/X/review"), ("POST", "/admin/orders/X/retry"),
                ("POST", "/admin/stock/import")]


def _cfg(db_url: str, supplier: ManagedProcess, **over: Any) -> dict[str, Any]:
    return base_config(db_url, time_scale=SCALE, order_expiry_s=6000,
                       suppliers={"primary": {"url": supplier.url}},
                       supplier_policy={"timeout_s": 5, "max_attempts": 2,
                                        "backoff_base_s": 1, "backoff_max_s": 2,
                                        "breaker_failures": 50, "breaker_reset_s": 60}, **over)


def _pay(svc: Any, o: dict[str, Any]) -> None:
    r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
    assert r.text == "success"


def test_admin_auth_filters_api_log_refund_import(db_url: str, service_factory: Any,
                                                  supplier: ManagedProcess) -> None:
    svc = service_factory(_cfg(db_url, supplier))
    for method, path in ADMIN_ROUTES:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "drill-admin"}):
            r = svc.http.request(method, path, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.text)
            assert "Bearer" in r.json()["error"]
    codes = ["A-1", "A-2", "A-1", "A-3"]
    r = svc.admin("POST", "/admin/stock/import", json={"product_id": "steam-50", "codes": codes})
    assert r.json() == {"imported": 3, "duplicates": 1}
    r = svc.admin("POST", "/admin/stock/import",
                  json={"product_id": "steam-50", "codes": ["A-3", "A-4"]})
    assert r.json() == {"imported": 1, "duplicates": 1}
    assert svc.admin("POST", "/admin/stock/import",
                     json={"product_id": "apple-100", "codes": ["x"]}).status_code == 404
    def listed(**params: Any) -> list[str]:
        return [o["order_no"] for o in
                svc.admin("GET", "/admin/orders", params=params).json()["orders"]]
    old, new = svc.order(), svc.order()  # older_than_s: tests/delivery/api/test_admin.py
    _pay(svc, new)
    wait_until(lambda: svc.export()["deliveries"])
    assert listed() == [old["order_no"], new["order_no"]]
    assert listed(status="pending_payment") == [old["order_no"]]
    assert listed(status="delivered", older_than_s=3600) == []
    assert listed(status="delivered") == [new["order_no"]]
    assert "token" not in svc.admin("GET", "/admin/orders").json()["orders"][0]
    # refund: not from pending_payment or delivered; yes from manual (suppliers failed)
    for o in (old, new):
        assert svc.admin("POST", f"/admin/orders/{o['order_no']}/refund").status_code == 409
    behave(supplier, **DOWN)
    sup = svc.order("apple-100")
    _pay(svc, sup)
    wait_until(lambda: {o["order_no"]: o["status"] for o in svc.export()["orders"]}
               [sup["order_no"]] == "manual")
    calls = svc.admin("GET", "/admin/api-log", params={"limit": 50}).json()["calls"]
    assert calls and all(c["order_no"] == sup["order_no"] for c in calls)
    assert {c["supplier"] for c in calls} == {"primary"}
    assert {c["outcome"] for c in calls} == {"http_5xx"} and {c["status"] for c in calls} == {503}
    assert len(svc.admin("GET", "/admin/api-log", params={"limit": 1}).json()["calls"]) == 1
    r = svc.admin("POST", f"/admin/orders/{sup['order_no']}/refund")
    assert r.json() == {"order_no": sup["order_no"], "status": "refunded"}
    assert svc.admin("POST", f"/admin/orders/{sup['order_no']}/refund").status_code == 409
    assert svc.admin("POST", "/admin/orders/nope/refund").status_code == 409


def _metric(text: str, name: str, **labels: str) -> float | None:
    """The sample `name{labels}` (label order ignored), None when absent."""
    for line in text.splitlines():
        m = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if m and m.group(1) == name and dict(re.findall(r'(\w+)="([^"]*)"',
                                                        m.group(2) or "")) == labels:
            return float(m.group(3))
    return None


def test_metrics_move_and_logs_hide_card_codes(tmp_path: Path,
                                               supplier: ManagedProcess) -> None:
    behave(supplier, latency_ms=600)
    cfg = _cfg(f"sqlite:///{tmp_path}/s.sqlite3", supplier,
               worker={"lease_s": 6000, "concurrency": 8, "poll_s": 0.02},
               monitor={"every_s": 6, "low_stock_below": 5})
    svc, log = start_logged(tmp_path, cfg)
    try:
        before = svc.http.get("/metrics").text
        for name in ("faka_delivery_latency_seconds", "faka_supplier_calls_total",
                     "faka_alerts_total", "faka_orders", "faka_queue_depth"):
            assert f"# TYPE {name} " in before, name
        assert _metric(before, "faka_delivery_latency_seconds_count") == 0
        codes = svc.import_keys(3, prefix="SECRETKEY")
        local = svc.order()
        _pay(svc, local)
        sup = svc.order("apple-100")
        _pay(svc, sup)  # the supplier answers after 0.6 s: the job sits in the queue

        def scrape() -> str:
            return svc.http.get("/metrics").text
        wait_until(lambda: _metric(scrape(), "faka_queue_depth", kind="deliver") == 1,
                   timeout=5)
        wait_until(lambda: _metric(scrape(), "faka_orders", status="delivered") == 2, timeout=10)
        after = scrape()
        assert _metric(after, "faka_delivery_latency_seconds_count") == 2
        assert (_metric(after, "faka_delivery_latency_seconds_sum") or 0) >= 0.5
        assert _metric(after, "faka_supplier_calls_total", supplier="primary", outcome="ok") == 1
        assert _metric(after, "faka_deliveries_total", source="local") == 1
        assert (_metric(after, "faka_alerts_total", rule="low_stock") or 0) >= 1  # 2 keys < 5
        assert _metric(after, "faka_queue_depth", kind="deliver") is None  # drained
        sup_cards = svc.http.get(f"/api/orders/{sup['order_no']}/cards",
                                 params={"token": sup["token"]}).json()["cards"]
        local_cards = svc.http.get(f"/api/orders/{local['order_no']}/cards",
                                   params={"token": local["token"]}).json()["cards"]
        assert local_cards[0] in codes
    finally:
        svc.close()
    text = log.read_text()
    assert "starting role=all" in text
    for code in codes + sup_cards:
        assert code not in text, f"card code {code} in the service log"
