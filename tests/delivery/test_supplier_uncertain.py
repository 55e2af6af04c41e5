"""An uncertain primary purchase is looked up, never bought again at the backup.

Real `fakes.supplier` processes: the primary commits and then does not answer
in time; the service must find that purchase by downstream_order_no and
deliver its codes — one effective purchase across suppliers, one delivery.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runtime import ManagedProcess
from tests.delivery.conftest import ROOT, base_config, notify_params
from tests.waiting import wait_until


def _supplier(name: str, behaviour: dict[str, Any]) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-m", "fakes.supplier", "--port", "0",
                                 "--name", name, "--api-key", "k", "--api-secret", "s",
                                 "--seed", "7", "--behaviour", json.dumps(behaviour)], cwd=ROOT)


@pytest.fixture
def backup() -> Iterator[ManagedProcess]:
    with _supplier("backup", {}) as p:
        yield p


def _purchases(sup: ManagedProcess) -> list[dict[str, Any]]:
    r = httpx.get(sup.url + "/_fake/ledger", params={"kind": "purchases"})
    r.raise_for_status()
    return list(r.json()["items"])


def _effective(sup: ManagedProcess) -> list[dict[str, Any]]:
    return [p for p in _purchases(sup) if p["codes"] and not p["replayed"]]


def _run(db_url: str, service_factory: Any, primary: str,
         backup: ManagedProcess) -> tuple[Any, dict[str, Any]]:
    cfg = base_config(db_url, suppliers={"primary": {"url": primary},
                                         "backup": {"url": backup.url}})
    cfg["supplier_policy"].update(timeout_s=0.3, max_attempts=2)
    svc = service_factory(cfg)
    o = svc.order("apple-100")
    assert svc.http.get("/notify/epay",
                        params=notify_params(o["order_no"], o["amount"])).text == "success"
    return svc, o


def _status(svc: Any, o: dict[str, Any]) -> str:
    return str(svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
               .json()["status"])


@pytest.mark.parametrize("mode", ["hold", "close"])
def test_commit_then_timeout_bought_once(db_url: str, service_factory: Any,
                                         backup: ManagedProcess, mode: str) -> None:
    with _supplier("primary", {"commit_then_timeout": 1.0, "commit_timeout_mode": mode,
                               "hold_s": 30}) as primary:
        svc, o = _run(db_url, service_factory, primary.url, backup)
        wait_until(lambda: _status(svc, o) == "delivered")
        bought = _effective(primary)
        assert len(bought) == 1 and bought[0]["downstream_order_no"] == o["order_no"]
        assert bought[0]["outcome"] == f"commit_{mode}"
        assert _effective(backup) == []
        ex = svc.export()
        assert [(d["source"], d["codes"]) for d in ex["deliveries"]] == [
            ("primary", bought[0]["codes"])]
        outcomes = [(c["endpoint"].split()[0], c["outcome"]) for c in ex["supplier_calls"]]
        assert outcomes[0] == ("POST", "timeout" if mode == "hold" else "error")
        assert ("GET", "ok") in outcomes


def test_unanswered_lookup_waits_instead_of_failing_over(
        db_url: str, service_factory: Any, backup: ManagedProcess) -> None:
    # every primary call outlives the 0.3 s timeout; the purchase commits late
    with _supplier("primary", {"latency_ms": 700, "latency_dist": "fixed"}) as primary:
        svc, o = _run(db_url, service_factory, primary.url, backup)
        wait_until(lambda: _purchases(primary))  # the purchase arrived upstream
        wait_until(lambda: any(c["endpoint"].startswith("GET")
                               for c in svc.export()["supplier_calls"]))
        assert _status(svc, o) == "paid" and _effective(backup) == []
        httpx.put(primary.url + "/_fake/behaviour", json={"latency_ms": 0}).raise_for_status()
        wait_until(lambda: _status(svc, o) == "delivered")
        bought = _effective(primary)
        assert len(bought) == 1 and _effective(backup) == []
        assert svc.export()["deliveries"][0]["codes"] == bought[0]["codes"]


def test_primary_refusing_connections_fails_over(db_url: str, service_factory: Any,
                                                 backup: ManagedProcess) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    svc, o = _run(db_url, service_factory, url, backup)
    wait_until(lambda: _status(svc, o) == "delivered")
    assert [d["source"] for d in svc.export()["deliveries"]] == ["backup"]
    assert len(_effective(backup)) == 1
