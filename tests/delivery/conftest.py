"""Fixtures: the delivery service as a real process on SQLite or PostgreSQL, and the
real fakes (supplier, payment gateway, IM/mail sink) it talks to.

PostgreSQL tests run whenever 127.0.0.1:5432 answers; with CI=true an
unreachable server FAILS them; elsewhere they skip with the reason.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from delivery.epay import sign
from runtime import ManagedProcess
from tests.postgres import PG_URL as PG_BASE
from tests.postgres import require_postgres

ROOT = Path(__file__).resolve().parents[2]
KEY = "merchantkey"
ADMIN = {"Authorization": "Bearer drill-admin"}



@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/shop.sqlite3"
        return
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as c:
        c.execute(f"DROP SCHEMA {schema} CASCADE")


def supplier_fake(name: str, *args: str) -> ManagedProcess:
    """A real `fakes.supplier` at time_scale 1 with the credentials `base_config` uses."""
    return ManagedProcess(name, [sys.executable, "-m", "fakes.supplier", "--port", "0",
                                 "--name", name, "--api-key", "k", "--api-secret", "s",
                                 "--seed", "7", *args], cwd=ROOT)


@pytest.fixture
def supplier() -> Iterator[ManagedProcess]:
    with supplier_fake("primary") as p:
        yield p


@pytest.fixture
def supplier2() -> Iterator[ManagedProcess]:
    with supplier_fake("backup") as p:
        yield p


def _fake(name: str, *args: str) -> ManagedProcess:
    """A real fake (fakes.sink / fakes.payment) at time_scale 600."""
    return ManagedProcess(name, [sys.executable, "-m", f"fakes.{name}", "--port", "0",
                                 "--time-scale", "600", *args], cwd=ROOT)


@pytest.fixture
def sink() -> Iterator[ManagedProcess]:
    with _fake("sink") as p:
        yield p


@pytest.fixture
def gateway() -> Iterator[ManagedProcess]:
    with _fake("payment", "--pid", "1001", "--key", KEY) as p:
        yield p


def base_config(db_url: str, **over: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "db_url": db_url, "admin_token": "drill-admin", "time_scale": 1.0,
        "products": [
            {"id": "steam-50", "name": "Steam 50", "price": "50.00", "kind": "local"},
            {"id": "apple-100", "name": "App Store 100", "price": "100.00", "kind": "supplier",
             "supplier_sku": "apple-100"},
        ],
        "supplier_policy": {"timeout_s": 1.0, "max_attempts": 3, "backoff_base_s": 0.05,
                            "backoff_max_s": 0.2, "breaker_failures": 50, "breaker_reset_s": 5},
        "worker": {"lease_s": 30, "concurrency": 32, "poll_s": 0.02},
        "monitor": {"every_s": 0.2, "low_stock_below": 0},
    }
    cfg.update(over)
    return cfg


class Service:
    def __init__(self, proc: ManagedProcess, cfg: dict[str, Any]) -> None:
        self.proc, self.cfg = proc, cfg
        self.http = httpx.Client(base_url=proc.url, timeout=30)

    @property
    def url(self) -> str:
        return self.proc.url

    def admin(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.request(method, path, headers=ADMIN, **kw)

    def import_keys(self, n: int, product: str = "steam-50", prefix: str = "K") -> list[str]:
        codes = [f"{prefix}-{uuid.uuid4().hex[:10]}-{i}" for i in range(n)]
        r = self.admin("POST", "/admin/stock/import", json={"product_id": product, "codes": codes})
        assert r.status_code == 200, r.text
        return codes

    def order(self, product: str = "steam-50", qty: int = 1, contact: str = "b@x.cn"
              ) -> dict[str, Any]:
        r = self.http.post("/api/orders", json={"product_id": product, "quantity": qty,
                                                "contact": contact})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def export(self) -> dict[str, Any]:
        r = self.admin("GET", "/admin/export")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def close(self) -> None:
        self.http.close()
        self.proc.stop()


def notify_params(order_no: str, money: str, trade_no: str | None = None,
                  key: str = KEY) -> dict[str, str]:
    p = {"pid": "1001", "trade_no": trade_no or f"T{order_no}", "out_trade_no": order_no,
         "type": "alipay", "name": "goods", "money": money, "trade_status": "TRADE_SUCCESS"}
    p["sign"] = sign(p, key)
    p["sign_type"] = "MD5"
    return p


def start_service(tmp_path: Path, cfg: dict[str, Any], *extra: str,
                  name: str = "delivery", env: dict[str, str] | None = None) -> Service:
    path = tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(cfg))
    proc = ManagedProcess(name, [sys.executable, "-m", "delivery", "--config", str(path),
                                 "--port", "0", *extra], cwd=ROOT, env=env)
    proc.start()
    return Service(proc, cfg)


@pytest.fixture
def service_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[Service] = []

    def make(cfg: dict[str, Any], *extra: str, **kw: Any) -> Service:
        s = start_service(tmp_path, cfg, *extra, **kw)
        started.append(s)
        return s
    yield make
    for s in started:
        s.close()
