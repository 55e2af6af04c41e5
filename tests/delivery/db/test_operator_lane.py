"""The operator's lane on PostgreSQL: with every buyer thread stuck in a slow query, a
transaction made for the back office or the admin API still runs at once, on its own
thread; outside the lane calls queue behind the buyers as before."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from delivery.db import Db
from delivery.db.engine import operator_lane
from tests.delivery.db._lanes import hold_open, thread_name
from tests.postgres import PG_URL, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def db() -> Iterator[Db]:
    require_postgres()
    store = Db(PG_URL, threads=1)
    try:
        yield store
    finally:
        store.close()


async def _scenario(db: Db) -> tuple[str, bool, str]:
    release = threading.Event()
    buyer = asyncio.ensure_future(db.tx(hold_open, release))
    await asyncio.sleep(0)                      # the buyer thread is taken
    with operator_lane():
        name = await asyncio.wait_for(db.tx(thread_name), timeout=10)
        read = await asyncio.wait_for(db.read(thread_name), timeout=10)
    queued = asyncio.ensure_future(db.tx(thread_name))
    finished, _ = await asyncio.wait({queued}, timeout=0.5)   # the buyer still holds it
    done_before_release = bool(finished)
    release.set()
    assert await buyer == "buyer"
    assert (await queued).startswith("pg_")
    return name, done_before_release, read


def test_the_operator_is_not_queued_behind_the_buyers(db: Db) -> None:
    name, queued_done, read = asyncio.run(_scenario(db))
    assert name.startswith("pg-operator") and read.startswith("pg-operator")
    assert not queued_done, "outside the lane a call waits for the buyer thread"
