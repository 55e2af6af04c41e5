"""PostgreSQL without a ping on checkout: a pooled connection the server dropped while it
sat idle (a restart, a cut link) fails the transaction's first statement; the body runs
again on a fresh connection instead of failing the request. Also for the autocommit reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection

from delivery.db import Db, raw
from tests.postgres import PG_URL, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def db() -> Iterator[tuple[Db, str]]:
    require_postgres()
    name = f"faka_reconnect_{uuid.uuid4().hex[:8]}"
    store = Db(f"{PG_URL}?application_name={name}", threads=2)
    try:
        yield store, name
    finally:
        store.close()


def _kill_backends(name: str) -> int:
    import psycopg
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
        return len(c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE application_name = %s", (name,)).fetchall())


def _backend(conn: Connection) -> int:
    return int(raw.run(conn, "SELECT pg_backend_pid()").fetchone()[0])


@pytest.mark.parametrize("read", [False, True], ids=["transaction", "autocommit-read"])
def test_a_dropped_pooled_connection_is_replaced(db: tuple[Db, str], read: bool) -> None:
    store, name = db
    first = store.tx_sync(_backend, read=read)  # the pool now holds this connection, idle
    assert _kill_backends(name) == 1
    again = store.tx_sync(_backend, read=read)  # would raise without the retry
    assert again != first
