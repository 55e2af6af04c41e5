"""The alerting lane on PostgreSQL: with every buyer thread held by a slow query (db-flaky's
80 ms a round trip filled the pool's queue for seconds), the monitor's rules pass still runs
and queues the delay notice a late buyer is owed, on threads of its own; the outbox's calls
take the same lane."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Connection, insert, select

from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.db.engine import alerting_lane, operator_lane
from delivery.db.schema import jobs, notices, orders
from delivery.defects import Defects
from delivery.metrics import Metrics
from delivery.monitor import Monitor
from tests.delivery.conftest import base_config
from tests.delivery.db._lanes import hold_open, thread_name
from tests.postgres import PG_URL, require_postgres

pytestmark = pytest.mark.postgres
PAID_AGO_S = 600.0  # the delay notice is due after 120 s


@pytest.fixture
def db() -> Iterator[Db]:
    require_postgres()
    schema = f"faka_lane_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    store = Db(f"{PG_URL}?options=-csearch_path%3D{schema}", threads=1)
    try:
        store.create_schema()
        yield store
    finally:
        store.close()
        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _late_order(conn: Connection, now: float) -> None:
    paid = now - PAID_AGO_S
    conn.execute(insert(orders).values(
        order_no="late-1", token="t", product_id="steam-50", quantity=1, amount="50.00",
        contact="late@x.cn", status="paid", created_at=paid, expires_at=paid + 900,
        paid_at=paid, updated_at=paid))


def _queued(conn: Connection) -> tuple[list[str], list[str]]:
    told = [r[0] for r in conn.execute(select(notices.c.order_no).where(notices.c.kind == "delay"))]
    mails = [r[0] for r in conn.execute(select(jobs.c.dedupe).where(jobs.c.kind == "mail"))]
    return told, mails


async def _rules_while_buyers_wait(db: Db) -> tuple[bool, tuple[list[str], list[str]]]:
    cfg = Config.model_validate(base_config(db.url, buyer_mail_url="http://127.0.0.1:9/mail"))
    ctx = Ctx(cfg, db, Defects(), Metrics())
    db.tx_sync(_late_order, ctx.now())
    release = threading.Event()
    buyer = asyncio.ensure_future(db.tx(hold_open, release))
    await asyncio.sleep(0)                      # the one buyer thread is taken
    try:
        await asyncio.wait_for(Monitor(ctx)._rules(), timeout=10)
        held = not buyer.done()
    finally:
        release.set()
        await buyer
    return held, db.tx_sync(_queued)


def test_the_rules_pass_is_not_queued_behind_the_buyers(db: Db) -> None:
    held, (told, mails) = asyncio.run(_rules_while_buyers_wait(db))
    assert held, "the buyer's query was still running: the pass did not wait for it"
    assert told == ["late-1"] and mails == ["mail:delay:late-1"]


async def _lanes(db: Db) -> tuple[str, str, bool]:
    release = threading.Event()
    buyer = asyncio.ensure_future(db.tx(hold_open, release))
    await asyncio.sleep(0)
    with alerting_lane():
        alerting = await asyncio.wait_for(db.tx(thread_name), timeout=10)
    with operator_lane():
        operator = await asyncio.wait_for(db.read(thread_name), timeout=10)
    queued = asyncio.ensure_future(db.tx(thread_name))
    finished, _ = await asyncio.wait({queued}, timeout=0.5)
    release.set()
    await buyer
    await queued
    return alerting, operator, bool(finished)


def test_the_alerting_lane_has_threads_of_its_own(db: Db) -> None:
    alerting, operator, queued_done = asyncio.run(_lanes(db))
    assert alerting.startswith("pg-alerting") and operator.startswith("pg-operator")
    assert not queued_done, "outside a lane a call waits for the buyer thread"
