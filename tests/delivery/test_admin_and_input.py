"""Bad input never 500s; manual delivery is idempotent and races automatic delivery safely;
late payments; the defects gate."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.delivery._rawhttp import fire
from tests.delivery.bad_bodies import BAD_BODIES
from tests.delivery.conftest import ADMIN, ROOT, base_config, notify_params
from tests.waiting import wait_until


def test_bad_requests_are_4xx_with_clear_messages(service_factory: Any, tmp_path: Path) -> None:
    svc = service_factory(base_config(f"sqlite:///{tmp_path}/s.sqlite3"))
    svc.import_keys(2)
    for what, body, status, needle in BAD_BODIES:
        r = svc.http.post("/api/orders", content=body,
                          headers={"content-type": "application/json"})
        assert r.status_code == status, (what, r.text)
        assert needle in r.json()["error"], (what, r.text)
    huge = b'{"product_id":"steam-50","quantity":1,"contact":"' + b"a" * 200_000 + b'"}'
    r = svc.http.post("/api/orders", content=huge)
    assert r.status_code == 413 and "limit" in r.json()["error"]
    assert svc.http.get("/api/orders/x' OR '1'='1", params={"token": "t"}).status_code == 404
    assert svc.http.get("/notify/epay", params={"out_trade_no": "1"}).status_code == 400
    assert svc.http.get("/admin/export").status_code == 401
    r = svc.admin("GET", "/admin/orders", params={"limit": "-3"})
    assert r.status_code == 400 and "limit" in r.json()["error"]
    r = svc.admin("POST", "/admin/stock/import", json={"product_id": "steam-50", "codes": "x"})
    assert r.status_code == 422
    assert svc.http.get("/nope").json()["status"] == 404
    assert svc.http.get("/openapi.json").json()["paths"]["/api/orders"]["post"]
    assert svc.export()["orders"] == [] and svc.export()["stock"][0]["available"] == 2


def test_manual_delivery_races_automatic_one_delivery(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url))
    svc.import_keys(10)
    o = svc.order()
    path = f"/admin/orders/{o['order_no']}/deliver"
    reqs: list[dict[str, Any]] = [{"method": "POST", "path": path, "headers": ADMIN}] * 20
    pay = {"method": "GET", "path": "/notify/epay",
           "params": notify_params(o["order_no"], "50.00")}
    # the order must be paid before a human may deliver it: pay, then race at once
    assert svc.http.get(pay["path"], params=pay["params"]).text == "success"
    results = asyncio.run(fire(svc.url, reqs, conns=20))
    ok = [json.loads(b) for st, b in results if st == 200]
    assert ok, results
    assert len({tuple(r["cards"]) for r in ok}) == 1
    wait_until(lambda: svc.export()["jobs"][0]["state"] == "done")
    ex = svc.export()
    assert len(ex["deliveries"]) == 1 and ex["stock"][0]["delivered"] == 1
    again = svc.admin("POST", f"/admin/orders/{o['order_no']}/deliver").json()
    assert again["created"] is False and again["cards"] == ex["deliveries"][0]["codes"]
    resent = svc.admin("POST", f"/admin/orders/{o['order_no']}/resend").json()
    assert resent["cards"] == again["cards"]


def test_late_payment_revives_or_needs_refund(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url, order_expiry_s=0.3))
    svc.import_keys(1)
    a = svc.order()
    wait_until(lambda: svc.export()["orders"][0]["status"] == "expired")
    b = svc.order()  # takes the only key the expiry released
    assert svc.http.get("/notify/epay", params=notify_params(a["order_no"], "50.00")).text \
        == "success"
    orders = {o["order_no"]: o for o in svc.export()["orders"]}
    assert orders[a["order_no"]]["status"] == "refund_needed"
    wait_until(lambda: any(x["rule"] == "refund_needed"
                           for x in svc.admin("GET", "/admin/alerts").json()["alerts"]))
    wait_until(lambda: {o["order_no"]: o for o in svc.export()["orders"]}[b["order_no"]]["status"]
               == "expired")
    svc.import_keys(1)
    assert svc.http.get("/notify/epay", params=notify_params(b["order_no"], "50.00")).text \
        == "success"
    wait_until(lambda: {o["order_no"]: o for o in svc.export()["orders"]}[b["order_no"]]["status"]
               == "delivered")


def _run_service(cfg_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "delivery", "--config", str(cfg_path),
                           "--port", "0"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)


def test_defects_refused_without_the_gate(tmp_path: Path) -> None:
    cfg = base_config(f"sqlite:///{tmp_path}/d.sqlite3", defects=["no-key-cas"])
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(cfg))
    env = {k: v for k, v in os.environ.items() if k != "FAKA_DRILL_ALLOW_DEFECTS"}
    res = _run_service(path, env)
    assert res.returncode != 0 and "FAKA_DRILL_ALLOW_DEFECTS=1" in res.stderr
    cfg["defects"] = ["no-such-bug"]
    path.write_text(json.dumps(cfg))
    res = _run_service(path, {**env, "FAKA_DRILL_ALLOW_DEFECTS": "1"})
    assert res.returncode != 0 and "unknown defect" in res.stderr
    cfg["defects"], cfg["surprise"] = [], 1
    path.write_text(json.dumps(cfg))
    res = _run_service(path, env)
    assert res.returncode != 0 and "surprise: unknown key" in res.stderr
