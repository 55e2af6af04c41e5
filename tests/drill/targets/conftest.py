"""A reference shop started by the test (as a user would start it) plus the real fake gateway.

The gateway must reach the shop's notify URL before the shop's port is known
(`--port 0`), so the shop's public URL is an embedded-Toxiproxy link created
first and repointed at the shop once it printed READY (as drill/stack.py does).
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from drill.targets import CatalogueItem, Gateway, HttpxClient, World
from runtime import ManagedProcess

ROOT = Path(__file__).resolve().parents[3]
PID, KEY, ADMIN_TOKEN = "1001", "merchantkey", "drill-admin"
PRODUCT = "steam-50"


@dataclass
class Shop:
    url: str
    world: World
    proc: ManagedProcess
    config: Path


def _fake(name: str, *args: str) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-m", f"fakes.{name}", "--port", "0", *args],
                          cwd=ROOT)


@pytest.fixture(scope="module")
def gateway() -> Iterator[ManagedProcess]:
    with _fake("payment", "--pid", PID, "--key", KEY, "--time-scale", "600") as p:
        yield p


@pytest.fixture(scope="module")
def toxiproxy() -> Iterator[ManagedProcess]:
    with _fake("toxiproxy", "--host", "127.0.0.1") as p:
        yield p


def _config(tmp: Path, gateway: tuple[str, str, str], public_url: str,
            defects: list[str]) -> Path:
    url, pid, key = gateway
    cfg: dict[str, Any] = {
        "db_url": f"sqlite:///{tmp}/shop.sqlite3", "admin_token": ADMIN_TOKEN, "time_scale": 1.0,
        "public_base_url": public_url,
        "gateway": {"url": url, "pid": pid, "key": key},
        "gateway_public_url": url,
        "products": [{"id": PRODUCT, "name": "Steam 50", "price": "50.00", "kind": "local"}],
        "worker": {"lease_s": 30, "concurrency": 4, "poll_s": 0.02},
        "monitor": {"every_s": 0.5, "low_stock_below": 0},
        "defects": defects,
    }
    path = tmp / f"shop-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    return path


def start_shop(tmp: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess,
               env: dict[str, str] | None = None, defects: list[str] | None = None,
               configured: tuple[str, str, str] | None = None) -> Shop:
    """A reference service whose notify URL (a proxy link) is known before it starts;
    `configured`: the (url, pid, key) its config file names instead of the real gateway's."""
    api = toxiproxy.url
    name = f"shop_{uuid.uuid4().hex[:8]}"
    r = httpx.post(f"{api}/proxies", json={"name": name, "listen": "127.0.0.1:0",
                                           "upstream": "127.0.0.1:9"})
    r.raise_for_status()
    listen = r.json()["listen"]
    cfg = _config(tmp, configured or (gateway.url + "/", PID, KEY), f"http://{listen}",
                  defects or [])
    proc = ManagedProcess("shop", [sys.executable, "-m", "delivery", "--config", str(cfg),
                                   "--port", "0"], cwd=ROOT,
                          env=env)
    proc.start()
    httpx.post(f"{api}/proxies/{name}",
               json={"upstream": f"127.0.0.1:{proc.port}", "listen": listen}).raise_for_status()
    world = World(Gateway(url=gateway.url, pid=PID, key=KEY, public_url=gateway.url),
                  shop_url_for_gateway=f"http://{listen}")
    return Shop(proc.url, world, proc, cfg)


@pytest.fixture
def shop(tmp_path: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess) -> Iterator[Shop]:
    s = start_shop(tmp_path, gateway, toxiproxy)
    try:
        yield s
    finally:
        s.proc.stop()


@pytest.fixture
def http() -> Iterator[HttpxClient]:
    with HttpxClient(timeout_s=10) as client:
        yield client


def probe_item(n: int = 3) -> CatalogueItem:
    """The reference shop's product with fresh, recognisable codes."""
    codes = tuple(f"PROBE-{uuid.uuid4().hex[:10]}-{i}" for i in range(n))
    return CatalogueItem(PRODUCT, "Steam 50", Decimal("50.00"), codes)
