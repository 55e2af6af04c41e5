"""The trigger-kept catalogue counts (`delivery/db/counts.py`) equal a count over the keys
after every kind of write: imports, reservations, releases, deliveries, blind writes, a
product move, deletes, and a second `install` (another process starting) on a database
that already has keys; and a reservation takes exactly its quantity. Against SQLite,
PostgreSQL and MariaDB."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection

from delivery.db import Db, counts, raw
from delivery.store import stock
from tests.mariadb import MYSQL_URL, drop_databases, require_mariadb
from tests.postgres import PG_URL, require_postgres


def _counted(conn: Connection, products: list[str]) -> dict[str, int]:
    sql = "SELECT count(*) FROM card_keys WHERE product_id = ? AND status = 'available'"
    return {p: int(raw.run(conn, sql, (p,)).fetchone()[0]) for p in products}


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Db]:
    name = f"faka_counts_{uuid.uuid4().hex[:8]}"
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/counts.sqlite3"
    elif request.param == "postgresql":
        require_postgres()
        import psycopg
        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {name}")
        url = f"{PG_URL}?options=-csearch_path%3D{name}"

        def cleanup() -> None:
            with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
                c.execute(f"DROP SCHEMA {name} CASCADE")
    else:
        require_mariadb()
        from drill.stack.run_database import create_mysql_database
        create_mysql_database(MYSQL_URL, name)
        url = MYSQL_URL.rsplit("/", 1)[0] + f"/{name}"

        def cleanup() -> None:
            drop_databases(name)
    store = Db(url, threads=2)
    try:
        store.create_schema()
        yield store
    finally:
        store.close()
        cleanup()


def _same(db: Db, products: list[str]) -> dict[str, int]:
    kept = db.tx_sync(stock.available_counts, products)
    assert kept == db.tx_sync(_counted, products)
    return kept


def test_counts_follow_every_write(db: Db) -> None:
    now = time.time()
    db.tx_sync(stock.import_codes, "p1", [f"A-{i}" for i in range(20)], now)
    db.tx_sync(stock.import_codes, "p2", [f"B-{i}" for i in range(5)], now)
    assert _same(db, ["p1", "p2", "none"]) == {"p1": 20, "p2": 5, "none": 0}
    db.tx_sync(stock.reserve, "p1", 3, "O1", now)
    db.tx_sync(stock.reserve, "p1", 2, "O2", now)
    assert _same(db, ["p1"]) == {"p1": 15}
    db.tx_sync(stock.release, "O2", now)
    db.tx_sync(stock.consume_reserved, "O1", now)
    assert _same(db, ["p1"]) == {"p1": 17}
    db.tx_sync(stock.take_fresh, "p2", 2, "O3", now)
    ids = [i for i, _c in db.tx_sync(stock.peek_available, "p1", 4)]
    db.tx_sync(stock.mark_delivered_blind, ids, "O4", now)
    assert _same(db, ["p1", "p2"]) == {"p1": 13, "p2": 3}
    db.tx_sync(lambda c: raw.run(c, "UPDATE card_keys SET product_id = 'p2' WHERE code = ?",
                                 ("A-19",)))
    db.tx_sync(lambda c: raw.run(c, "DELETE FROM card_keys WHERE code IN ('B-4', 'A-0')"))
    db.tx_sync(lambda c: raw.run(c, "UPDATE card_keys SET status = 'available' "
                                    "WHERE order_no = 'O4'"))
    assert _same(db, ["p1", "p2"]) == {"p1": 16, "p2": 3}


def test_install_again_keeps_the_counts(db: Db) -> None:
    db.tx_sync(stock.import_codes, "p1", [f"C-{i}" for i in range(7)], time.time())
    db.create_schema()  # a second process starting on the same database
    assert _same(db, ["p1"]) == {"p1": 7}
    db.tx_sync(counts.reseed)
    assert _same(db, ["p1"]) == {"p1": 7}


def test_reserve_takes_exactly_the_quantity(db: Db) -> None:
    """PostgreSQL picks and CASes in one statement: a subquery `id IN (… LIMIT n FOR UPDATE
    SKIP LOCKED)` there took every key for n=1; each order must hold its n keys only."""
    now = time.time()
    db.tx_sync(stock.import_codes, "p1", [f"D-{i}" for i in range(10)], now)
    for no, n in (("R1", 1), ("R2", 3), ("R3", 1)):
        db.tx_sync(stock.reserve, "p1", n, no, now)
    held = db.tx_sync(lambda c: raw.run(c, "SELECT order_no, count(*) FROM card_keys WHERE "
                                           "status = 'reserved' GROUP BY order_no").fetchall())
    assert dict(held) == {"R1": 1, "R2": 3, "R3": 1}
    with pytest.raises(stock.OutOfStock):
        db.tx_sync(stock.reserve, "p1", 6, "R4", now)
    assert _same(db, ["p1"]) == {"p1": 5}
