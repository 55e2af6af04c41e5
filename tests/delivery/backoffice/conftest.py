"""Fixtures: the shop in-process (TestClient over a real SQLite file, API role: no worker, so
paid orders stay stuck until a human acts) with an operator logged into the back office."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from delivery.app import build_app
from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.db.schema import orders
from delivery.defects import Defects
from delivery.metrics import Metrics
from tests.delivery.conftest import ADMIN, base_config, notify_params

BO = "/backoffice"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


class Shop:
    """The in-process shop and one browser-like client (cookies kept)."""

    def __init__(self, ctx: Ctx, client: TestClient) -> None:
        self.ctx, self.client = ctx, client

    def login(self, operator: str = "小王") -> None:
        page = self.client.get(f"{BO}/login")
        r = self.client.post(f"{BO}/login", data={"operator": operator, "token": "drill-admin",
                                                  "csrf": csrf_of(page.text)},
                             follow_redirects=False)
        assert r.status_code == 303, r.text

    def csrf(self) -> str:
        return csrf_of(self.client.get(f"{BO}/notices").text)

    def post(self, path: str, **data: str) -> Any:
        data.setdefault("csrf", self.csrf())
        return self.client.post(BO + path, data=data)

    def import_keys(self, n: int, product: str = "steam-50") -> list[str]:
        codes = [f"K-{uuid.uuid4().hex[:10]}-{i}" for i in range(n)]
        r = self.client.post("/admin/stock/import", headers=ADMIN,
                             json={"product_id": product, "codes": codes})
        assert r.status_code == 200, r.text
        return codes

    def order(self, *, paid: bool = True, product: str = "steam-50",
              contact: str = "buyer@example.com") -> str:
        r = self.client.post("/api/orders", json={"product_id": product, "quantity": 1,
                                                  "contact": contact})
        assert r.status_code == 201, r.text
        no, amount = r.json()["order_no"], r.json()["amount"]
        if paid:
            assert self.client.get("/notify/epay", params=notify_params(no, amount)).text == \
                "success"
        return str(no)

    def backdate(self, order_no: str, minutes: float) -> None:
        """Make an order `minutes` scenario minutes older (created and paid)."""
        shift = self.ctx.cfg.wall(minutes * 60.0)

        def tx(conn: Any) -> None:
            conn.execute(update(orders).where(orders.c.order_no == order_no).values(
                created_at=orders.c.created_at - shift, paid_at=orders.c.paid_at - shift))
        self.ctx.db.tx_sync(tx)

    def export(self) -> dict[str, Any]:
        return dict(self.client.get("/admin/export", headers=ADMIN).json())

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        r = self.client.get("/admin/audit", headers=ADMIN, params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["audit"])


ShopFactory = Callable[..., Shop]


@pytest.fixture
def shop_factory(tmp_path: Path) -> Iterator[ShopFactory]:
    clients: list[TestClient] = []

    def make(db_url: str | None = None, **over: Any) -> Shop:
        url = db_url or f"sqlite:///{tmp_path}/shop-{uuid.uuid4().hex[:6]}.sqlite3"
        cfg = Config.model_validate(base_config(url, **{"time_scale": 10.0, **over}))
        db = Db(cfg.db_url)
        db.create_schema()
        ctx = Ctx(cfg=cfg, db=db, defects=Defects(cfg.defects), metrics=Metrics())
        client = TestClient(build_app(ctx, "api"), base_url="http://127.0.0.1")
        client.__enter__()
        clients.append(client)
        return Shop(ctx, client)
    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def shop(shop_factory: ShopFactory) -> Shop:
    """A logged-in operator on a shop with 5 Steam keys."""
    s = shop_factory()
    s.import_keys(5)
    s.login()
    return s
