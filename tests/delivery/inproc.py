"""The in-process tier: the whole service (routes, worker, monitor, outbox, all run by
the lifespan) inside a Starlette `TestClient`, on a SQLite file, with a settable clock.

Business time comes from `Ctx.clock`: a test moves the clock past an expiry, a notice
threshold or a retry backoff instead of sleeping for compressed time to pass.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from delivery.app import build_app
from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.defects import Defects
from delivery.metrics import Metrics
from tests.delivery.conftest import ADMIN, base_config, notify_params


class Clock:
    """Epoch seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.t = time.time()

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class Shop:
    client: TestClient
    ctx: Ctx
    clock: Clock

    def admin(self, method: str, path: str, **kw: Any) -> Any:
        return self.client.request(method, path, headers=ADMIN, **kw)

    def import_keys(self, codes: list[str], product: str = "steam-50") -> None:
        r = self.admin("POST", "/admin/stock/import", json={"product_id": product,
                                                              "codes": codes})
        assert r.status_code == 200, r.text

    def order(self, product: str = "steam-50", contact: str = "buyer@example.com"
              ) -> dict[str, Any]:
        r = self.client.post("/api/orders", json={"product_id": product, "quantity": 1,
                                                  "contact": contact})
        assert r.status_code == 201, r.text
        return dict(r.json())

    def pay(self, order: dict[str, Any], trade_no: str | None = None) -> Any:
        return self.client.post("/notify/epay", data=notify_params(
            order["order_no"], order["amount"], trade_no))

    def status(self, order: dict[str, Any]) -> dict[str, Any]:
        r = self.client.get(f"/api/orders/{order['order_no']}",
                            params={"token": order["token"]})
        assert r.status_code == 200, r.text
        return dict(r.json())


@contextmanager
def shop(tmp_path: Path, *, http: httpx.AsyncClient | None = None, db_url: str | None = None,
         **over: Any) -> Iterator[Shop]:
    """The service (role `all`) on `db_url` (default `tmp_path/shop.sqlite3`); `over`
    patches the config; `http` replaces its outbound client (e.g. a MockTransport gateway)."""
    url = db_url or f"sqlite:///{tmp_path}/shop.sqlite3"
    cfg = Config.model_validate(base_config(url, **over))
    db = Db(cfg.db_url)
    db.create_schema()
    clock = Clock()
    ctx = Ctx(cfg=cfg, db=db, defects=Defects(cfg.defects), metrics=Metrics(), clock=clock,
              http=http)
    with TestClient(build_app(ctx), raise_server_exceptions=False) as client:
        yield Shop(client, ctx, clock)
