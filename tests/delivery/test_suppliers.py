"""Supplier stock: failover, escalation, crash-safe leases, reject semantics."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from runtime import ManagedProcess
from tests.delivery._fakes import (
    DOWN,
    UP,
    alert_urls,
    behave,
    hold_after_commit,
    messages,
    purchases,
)
from tests.delivery.conftest import base_config, notify_params, supplier_fake
from tests.waiting import wait_until


def _cfg(db_url: str, primary: ManagedProcess, backup: ManagedProcess | None = None,
         **over: Any) -> dict[str, Any]:
    sups = {"primary": {"url": primary.url}}
    if backup is not None:
        sups["backup"] = {"url": backup.url}
    return base_config(db_url, suppliers=sups, **over)


def _pay(svc: Any, product: str = "apple-100") -> dict[str, Any]:
    o = svc.order(product)
    r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
    assert r.text == "success"
    return o


def _status(svc: Any, o: dict[str, Any]) -> str:
    return str(svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
               .json()["status"])


def test_primary_down_backup_used(db_url: str, service_factory: Any, supplier: ManagedProcess,
                                  supplier2: ManagedProcess) -> None:
    # primary down = nothing listens (connection refused: it cannot have committed);
    # a primary that answers 5xx may have committed and is looked up instead (see
    # test_supplier_uncertain.py)
    cfg = _cfg(db_url, supplier, supplier2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        cfg["suppliers"]["primary"]["url"] = f"http://127.0.0.1:{s.getsockname()[1]}"
    svc = service_factory(cfg)
    o = _pay(svc)
    wait_until(lambda: _status(svc, o) == "delivered")
    ex = svc.export()
    assert [d["source"] for d in ex["deliveries"]] == ["backup"]
    assert ex["deliveries"][0]["codes"] == purchases(supplier2)[0]["codes"]
    calls = ex["supplier_calls"]
    assert {c["supplier"] for c in calls} == {"primary", "backup"}
    assert all(c["idempotency_key"] == o["order_no"] for c in calls)
    assert svc.admin("GET", "/admin/api-log").json()["calls"]


def test_both_down_manual_and_alert(db_url: str, service_factory: Any, supplier: ManagedProcess,
                                    supplier2: ManagedProcess, sink: ManagedProcess) -> None:
    behave(supplier, **DOWN)
    behave(supplier2, **DOWN)
    svc = service_factory(_cfg(db_url, supplier, supplier2, alerts=alert_urls(sink.url)))
    o = _pay(svc)
    wait_until(lambda: _status(svc, o) == "manual", what="order escalated to manual")
    wait_until(lambda: len(messages(sink, "manual_escalation")) == 3, what="all three robots")
    msgs = messages(sink, "manual_escalation")
    assert {m["channel"] for m in msgs} == {"dingtalk", "wecom", "telegram"}
    ex = svc.export()
    assert ex["deliveries"] == []
    assert any(a["rule"] == "manual_escalation" for a in ex["alerts"])
    # the ops fix the suppliers and put the order back in the queue
    behave(supplier, **UP)
    assert svc.admin("POST", f"/admin/orders/{o['order_no']}/retry").status_code == 200
    wait_until(lambda: _status(svc, o) == "delivered", what="delivered after the retry")


def test_reject_semantics_after_commit_then_timeout(db_url: str, service_factory: Any,
                                                    tmp_path: Path) -> None:
    with supplier_fake("primary", "--semantics", "reject") as rejecting:
        behave(rejecting, **hold_after_commit(1.5))
        cfg = _cfg(db_url, rejecting)
        cfg["supplier_policy"]["timeout_s"] = 0.3
        svc = service_factory(cfg)
        o = _pay(svc)
        wait_until(lambda: _status(svc, o) == "delivered")
        bought = [p for p in purchases(rejecting) if p["codes"]]
        assert [p["outcome"] for p in bought] == ["commit_hold"]
        assert svc.export()["deliveries"][0]["codes"] == bought[0]["codes"]


def test_worker_killed_mid_call_job_reclaimed_delivered_once(
        db_url: str, service_factory: Any, supplier: ManagedProcess) -> None:
    behave(supplier, **hold_after_commit(60))  # commits, then hangs the reply
    cfg = _cfg(db_url, supplier, worker={"lease_s": 1.5, "concurrency": 4, "poll_s": 0.02})
    cfg["supplier_policy"]["timeout_s"] = 120
    api = service_factory(cfg, "--role", "api", name="api")
    w1 = service_factory(cfg, "--role", "worker", "--worker-id", "w1", name="w1")
    o = _pay(api)
    wait_until(lambda: purchases(supplier), what="w1's purchase in flight")
    w1.proc.kill()
    behave(supplier, **hold_after_commit(0))
    service_factory(cfg, "--role", "worker", "--worker-id", "w2", name="w2")
    wait_until(lambda: _status(api, o) == "delivered")
    ex = api.export()
    assert len(ex["deliveries"]) == 1
    assert ex["deliveries"][0]["codes"] == purchases(supplier)[0]["codes"]
    assert [p["outcome"] for p in purchases(supplier)] == ["commit_hold"]  # never bought again
    job = ex["jobs"][0]
    assert job["claimed_by"] == "w2" and job["attempts"] == 2 and job["state"] == "done"
