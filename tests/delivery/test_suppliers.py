"""Supplier stock: failover, escalation, crash-safe leases, reject semantics."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import httpx

from runtime import ManagedProcess
from tests.delivery.conftest import ROOT, base_config, notify_params, wait_until


def _behave(stub: ManagedProcess, **b: Any) -> None:
    httpx.put(stub.url + "/_stub/behaviour", json=b).raise_for_status()


def _ledger(stub: ManagedProcess) -> dict[str, Any]:
    return dict(httpx.get(stub.url + "/_stub/ledger").json())


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


def test_primary_down_backup_used(db_url: str, service_factory: Any, stub: ManagedProcess,
                                  stub2: ManagedProcess) -> None:
    # primary down = nothing listens (connection refused: it cannot have committed);
    # a primary that answers 5xx may have committed and is looked up instead (see
    # test_supplier_uncertain.py)
    cfg = _cfg(db_url, stub, stub2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        cfg["suppliers"]["primary"]["url"] = f"http://127.0.0.1:{s.getsockname()[1]}"
    svc = service_factory(cfg)
    o = _pay(svc)
    wait_until(lambda: _status(svc, o) == "delivered")
    ex = svc.export()
    assert [d["source"] for d in ex["deliveries"]] == ["backup"]
    assert ex["deliveries"][0]["codes"] == _ledger(stub2)["purchases"][0]["codes"]
    calls = ex["supplier_calls"]
    assert {c["supplier"] for c in calls} == {"primary", "backup"}
    assert all(c["idempotency_key"] == o["order_no"] for c in calls)
    assert svc.admin("GET", "/admin/api-log").json()["calls"]


def test_both_down_manual_and_alert(db_url: str, service_factory: Any, stub: ManagedProcess,
                                    stub2: ManagedProcess) -> None:
    _behave(stub, down=True)
    _behave(stub2, down=True)
    sink = stub.url + "/robot/send?access_token=t"
    cfg = _cfg(db_url, stub, stub2, alerts={"dingtalk": sink,
                                            "wecom": stub.url + "/cgi-bin/webhook/send?key=k",
                                            "telegram": stub.url + "/botT/sendMessage?chat_id=7"})
    svc = service_factory(cfg)
    o = _pay(svc)
    wait_until(lambda: _status(svc, o) == "manual")
    msgs = wait_until(lambda: len(_ledger(stub)["messages"]) >= 3 and _ledger(stub)["messages"])
    texts = [m["body"].get("text") for m in msgs]
    assert any("[faka-alert] rule=manual_escalation" in str(t) for t in texts)
    paths = {m["path"] for m in msgs}
    assert paths >= {"/robot/send", "/cgi-bin/webhook/send", "/botT/sendMessage"}
    ex = svc.export()
    assert ex["deliveries"] == []
    assert any(a["rule"] == "manual_escalation" for a in ex["alerts"])
    # the ops fix the suppliers and put the order back in the queue
    _behave(stub, down=False)
    assert svc.admin("POST", f"/admin/orders/{o['order_no']}/retry").status_code == 200
    wait_until(lambda: _status(svc, o) == "delivered")


def test_reject_semantics_after_commit_then_timeout(db_url: str, service_factory: Any,
                                                    tmp_path: Path) -> None:
    rejecting = ManagedProcess("stub-reject", [sys.executable,
                               str(ROOT / "tests/delivery/_supplier_stub.py"), "--port", "0",
                               "--semantics", "reject"], cwd=ROOT)
    with rejecting:
        _behave(rejecting, commit_then_timeout_ms=1500)
        cfg = _cfg(db_url, rejecting)
        cfg["supplier_policy"]["timeout_s"] = 0.3
        svc = service_factory(cfg)
        o = _pay(svc)
        wait_until(lambda: _status(svc, o) == "delivered")
        bought = [p for p in _ledger(rejecting)["purchases"] if p["outcome"] == "ok"]
        assert len(bought) == 1
        assert svc.export()["deliveries"][0]["codes"] == bought[0]["codes"]


def test_worker_killed_mid_call_job_reclaimed_delivered_once(
        db_url: str, service_factory: Any, stub: ManagedProcess) -> None:
    _behave(stub, commit_then_timeout_ms=60_000)  # commits, then hangs the reply
    cfg = _cfg(db_url, stub, worker={"lease_s": 1.5, "concurrency": 4, "poll_s": 0.02})
    cfg["supplier_policy"]["timeout_s"] = 120
    api = service_factory(cfg, "--role", "api", name="api")
    w1 = service_factory(cfg, "--role", "worker", "--worker-id", "w1", name="w1")
    o = _pay(api)
    wait_until(lambda: _ledger(stub)["purchases"])  # w1's purchase is in flight
    w1.proc.kill()
    _behave(stub, commit_then_timeout_ms=0)
    service_factory(cfg, "--role", "worker", "--worker-id", "w2", name="w2")
    wait_until(lambda: _status(api, o) == "delivered")
    ex = api.export()
    assert len(ex["deliveries"]) == 1
    assert ex["deliveries"][0]["codes"] == _ledger(stub)["purchases"][0]["codes"]
    assert [p["outcome"] for p in _ledger(stub)["purchases"]] == ["ok"]
    job = ex["jobs"][0]
    assert job["claimed_by"] == "w2" and job["attempts"] == 2 and job["state"] == "done"
