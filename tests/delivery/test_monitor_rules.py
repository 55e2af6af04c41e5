"""The stuck-paid-orders rule on literal data and a literal clock (no process, no sleep):
"more than `stuck_threshold`" paid orders undelivered `stuck_after_s` after payment,
de-duplicated per alert window; orders paid before the window stop counting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.defects import Defects
from delivery.metrics import Metrics
from delivery.monitor import evaluate
from delivery.store import orders, payments
from tests.delivery.conftest import base_config

T0 = 1_800_000_000.0  # an alert window (600 s) starts here


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Ctx]:
    cfg = Config.model_validate(base_config(
        f"sqlite:///{tmp_path}/m.sqlite3",
        monitor={"stuck_after_s": 60, "stuck_threshold": 5, "window_s": 600,
                 "low_stock_below": 0}))
    db = Db(cfg.db_url)
    db.create_schema()
    yield Ctx(cfg=cfg, db=db, defects=Defects([]), metrics=Metrics(), clock=lambda: T0)
    db.close()


def _paid(ctx: Ctx, n: int, at: float) -> None:
    product = ctx.cfg.product("apple-100")  # supplier stock: nothing to reserve
    assert product is not None
    for i in range(n):
        o = ctx.db.tx_sync(orders.create, ctx, product, 1, f"b{i}@x.cn", "", "ok", at)
        assert ctx.db.tx_sync(payments.apply, ctx, f"T{o['order_no']}", o["order_no"],
                              o["amount"], at) == "paid"


def _rules(ctx: Ctx, now: float) -> list[str]:
    return ctx.db.tx_sync(evaluate, ctx, now, [])


def test_more_than_the_threshold_fires_once_per_window(ctx: Ctx) -> None:
    _paid(ctx, 5, T0 + 1)
    assert _rules(ctx, T0 + 30) == []  # not stuck yet
    assert _rules(ctx, T0 + 100) == []  # stuck, but exactly the threshold
    _paid(ctx, 1, T0 + 2)
    assert _rules(ctx, T0 + 100) == ["stuck_paid_orders"]
    assert _rules(ctx, T0 + 200) == []  # same window: de-duplicated
    assert _rules(ctx, T0 + 601) == ["stuck_paid_orders"]  # next window, still stuck
    assert _rules(ctx, T0 + 1201) == []  # a later window: paid too long ago to count


def _calls(ctx: Ctx, supplier: str, outcomes: list[str], at: float) -> None:
    from sqlalchemy import insert

    from delivery.db.schema import supplier_calls

    rows = [{"order_no": f"O{i}", "supplier": supplier, "endpoint": "GET /x",
             "idempotency_key": f"O{i}", "attempt": 1, "status": 200, "outcome": o,
             "latency_ms": 1.0, "error": None, "at": at} for i, o in enumerate(outcomes)]
    ctx.db.tx_sync(lambda conn: conn.execute(insert(supplier_calls), rows))


def test_an_asynchronous_supplier_at_work_is_healthy(ctx: Ctx) -> None:
    """Accepted (processing), partly fulfilled, cancelled: answers, not errors."""
    _calls(ctx, "primary", ["processing", "partial", "cancelled", "not_cancellable", "ok"] * 4,
           T0 + 10)
    assert "supplier_health" not in _rules(ctx, T0 + 20)
    _calls(ctx, "backup", ["http_5xx", "timeout", "ok"] * 4, T0 + 10)
    assert "supplier_health" in _rules(ctx, T0 + 20)
