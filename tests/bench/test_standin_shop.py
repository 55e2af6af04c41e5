"""bench/standin_shop.py with the real gateway fake: a buyer's flow ends with the cards."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx

from drill.stack.credentials import GATEWAY_KEY, GATEWAY_PID, admin_headers
from runtime import ManagedProcess
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_a_buyer_flow_through_the_gateway_is_delivered(tmp_path: Path) -> None:
    gateway = ManagedProcess("gateway", [sys.executable, "-m", "fakes.payment", "--port", "0",
                                         "--pid", GATEWAY_PID, "--key", GATEWAY_KEY], cwd=ROOT)
    with gateway:
        cfg = {"gateway": {"pid": GATEWAY_PID, "key": GATEWAY_KEY}, "public_base_url": "",
               "admin_token": "drill-admin", "gateway_public_url": gateway.url,
               "products": [{"id": "p1", "name": "P1", "price": "5.00"}]}
        (tmp_path / "c.json").write_text(json.dumps(cfg))
        shop = ManagedProcess("stand-in", [sys.executable, "-m", "bench.standin_shop",
                                           "--config", str(tmp_path / "c.json"), "--port", "0"],
                              cwd=ROOT)
        with shop, httpx.Client(base_url=shop.url, timeout=10) as c:
            assert c.post("/admin/stock/import", json={"product_id": "p1", "codes": ["A", "B"]}
                          ).status_code == 401, "admin routes need the token"
            c.post("/admin/stock/import", json={"product_id": "p1", "codes": ["A", "B", "C"]},
                   headers=admin_headers()).raise_for_status()
            o = c.post("/api/orders", json={"product_id": "p1", "quantity": 2,
                                            "contact": "b@x"}).json()
            assert o["amount"] == "10.00"
            sub = httpx.post(o["pay_url"], content=urlencode(o["pay_params"]), headers={
                "Content-Type": "application/x-www-form-urlencoded"}, timeout=10).json()
            assert sub["code"] == 1, sub
            httpx.post(f"{gateway.url}/pay/{sub['trade_no']}", timeout=10).raise_for_status()

            def delivered() -> dict[str, object] | None:
                s = dict(c.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]}
                               ).json())
                return s if s.get("delivered") else None

            status = wait_until(delivered, timeout=10, what="the gateway's notify delivered it")
            assert status is not None and status["cards"] == ["A", "B"]
            assert c.get(f"/api/orders/{o['order_no']}", params={"token": "x"}).status_code == 404
            assert c.get("/api/products").json()[0]["stock_available"] == 1
