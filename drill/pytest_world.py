"""The processes behind the pytest plugin's fixtures: a world (fake gateway + embedded proxy)
and, for the default target, a reference shop started the way a user starts one.

Kept apart from drill/pytest_plugin.py so loading the plugin (every pytest run
in an environment where faka-drill is installed) imports nothing heavy and
starts nothing: these run only when a test asks for a fixture.
"""

from __future__ import annotations

import json
import secrets
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from drill.targets import Gateway, World
from runtime import ManagedProcess

__all__ = ["REFERENCE_PRODUCT", "DrillWorld", "ReferenceShop", "start_reference_shop",
           "start_world"]

PID = "1001"
REFERENCE_PRODUCT = ("steam-50", "Steam 50", "50.00")  # id, name, price of the default shop
ADMIN_TOKEN = "drill-admin"                             # the reference adapter's default


@dataclass
class DrillWorld:
    """What a shop under test is pointed at; `world` is the plain data an adapter reads."""

    world: World
    gateway: ManagedProcess
    proxy: ManagedProcess
    folder: Path
    procs: list[ManagedProcess] = field(default_factory=list)

    def behave(self, behaviour: Mapping[str, Any]) -> None:
        """Set knobs of the fake gateway (`PUT /_fake/behaviour`), e.g. submit_reply=html."""
        if behaviour:
            httpx.put(f"{self.gateway.url}/_fake/behaviour", json=dict(behaviour),
                      timeout=10).raise_for_status()

    def link(self, name: str, upstream_port: int | None = None) -> str:
        """A proxy link (``http://127.0.0.1:PORT``) in front of a port; repoint it later."""
        r = httpx.post(f"{self.proxy.url}/proxies", timeout=10, json={
            "name": name, "listen": "127.0.0.1:0",
            "upstream": f"127.0.0.1:{upstream_port or 9}"})
        r.raise_for_status()
        return "http://" + str(r.json()["listen"])

    def repoint(self, name: str, listen_url: str, upstream_port: int) -> None:
        httpx.post(f"{self.proxy.url}/proxies/{name}", timeout=10, json={
            "upstream": f"127.0.0.1:{upstream_port}",
            "listen": listen_url.removeprefix("http://")}).raise_for_status()

    def stop(self) -> None:
        for proc in [*reversed(self.procs), self.gateway, self.proxy]:
            proc.stop()


def _fake(name: str, folder: Path, *args: str) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-m", f"fakes.{name}", "--port", "0", *args],
                          log_path=folder / f"{name}.log")


def start_world(folder: Path, *, shop_url_for_gateway: str = "") -> DrillWorld:
    """The fake epay gateway (fresh key) and an embedded Toxiproxy, on loopback ports."""
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(12)
    proxy = _fake("toxiproxy", folder, "--host", "127.0.0.1")
    gateway = _fake("payment", folder, "--pid", PID, "--key", key, "--time-scale", "600")
    proxy.start()
    try:
        gateway.start()
    except BaseException:
        proxy.stop()
        raise
    world = World(Gateway(url=gateway.url, pid=PID, key=key, public_url=gateway.url),
                  shop_url_for_gateway=shop_url_for_gateway)
    return DrillWorld(world, gateway, proxy, folder)


@dataclass(frozen=True)
class ReferenceShop:
    url: str
    world: World                 # the world with the shop's notify base filled in
    proc: ManagedProcess


def _config(folder: Path, gateway: Gateway, public_url: str) -> Path:
    pid, name, price = REFERENCE_PRODUCT
    cfg: dict[str, Any] = {
        "db_url": f"sqlite:///{folder}/shop.sqlite3", "admin_token": ADMIN_TOKEN,
        "time_scale": 1.0, "public_base_url": public_url,
        "gateway": {"url": gateway.url + "/", "pid": gateway.pid, "key": gateway.key},
        "gateway_public_url": gateway.buyer_url,
        "products": [{"id": pid, "name": name, "price": price, "kind": "local"}],
        "worker": {"lease_s": 30, "concurrency": 4, "poll_s": 0.02},
        "monitor": {"every_s": 0.5, "low_stock_below": 0},
    }
    path = folder / "shop.json"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    return path


def start_reference_shop(world: DrillWorld) -> ReferenceShop:
    """`python -m delivery` configured for `world`; the gateway reaches it through a proxy link
    made before the shop's port is known (its notify URL is in its config)."""
    folder = world.folder / f"shop-{uuid.uuid4().hex[:6]}"
    folder.mkdir(parents=True)
    name = folder.name.replace("-", "_")
    public = world.link(name)
    cfg = _config(folder, world.world.gateway, public)
    proc = ManagedProcess("shop", [sys.executable, "-m", "delivery", "--config", str(cfg),
                                   "--port", "0"], log_path=folder / "shop.log")
    proc.start()
    world.procs.append(proc)
    world.repoint(name, public, proc.port)
    shop_world = World(world.world.gateway, shop_url_for_gateway=public)
    return ReferenceShop(proc.url, shop_world, proc)
