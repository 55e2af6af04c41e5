"""The store on MariaDB/MySQL: what differs from PostgreSQL and SQLite, against the real server.

Each test would fail on a schema or engine made for PostgreSQL alone: times in a
4-byte FLOAT lose their seconds, the default collation takes `abc`, `ABC` and `abç`
for one unique card code, `?` placeholders are not pymysql's, REPEATABLE READ hides
a committed CAS from a transaction already open, and without row locks a second
worker would claim the job the first one holds.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from delivery.db import Db, raw
from delivery.store.stock import _pick_available
from drill.stack.run_database import create_mysql_database
from tests.mariadb import MYSQL_URL, drop_databases, require_mariadb

pytestmark = pytest.mark.mariadb


@pytest.fixture(scope="module")
def db() -> Iterator[Db]:
    require_mariadb()
    name = f"faka_test_{uuid.uuid4().hex[:10]}"
    create_mysql_database(MYSQL_URL, name)
    store = Db(MYSQL_URL.rsplit("/", 1)[0] + f"/{name}", threads=2)
    try:
        store.create_schema()
        yield store
    finally:
        store.close()
        drop_databases(name)


def _key(conn: Connection, code: str, product: str = "p1") -> None:
    raw.run(conn, "INSERT INTO card_keys (product_id, code, status, updated_at) "
            "VALUES (?, ?, 'available', ?)", (product, code, time.time()))


def test_times_keep_their_microseconds(db: Db) -> None:
    at = 1764645123.456789

    def write_read(conn: Connection) -> Any:
        raw.run(conn, "INSERT INTO anomalies (kind, detail, at) VALUES (?, ?, ?)",
                ("probe", "{}", at))
        return raw.one(conn, "SELECT at FROM anomalies WHERE kind = ?", ("probe",))

    assert db.tx_sync(write_read) == {"at": at}


def _keys(conn: Connection, codes: list[str], product: str = "p1") -> None:
    for code in codes:
        _key(conn, code, product)


def test_card_codes_are_unique_case_and_accent_sensitive(db: Db) -> None:
    db.tx_sync(_keys, ["abc-1", "ABC-1", "Abc-1", "abç-1"])
    with pytest.raises(IntegrityError):
        db.tx_sync(_key, "abc-1")


def test_a_committed_cas_is_seen_by_a_transaction_already_open(db: Db) -> None:
    """READ COMMITTED: the re-read after a lost CAS shows the winner's row, as on PostgreSQL."""
    db.tx_sync(_key, "rc-1", "rc")
    opened, written = threading.Event(), threading.Event()

    def reader(conn: Connection) -> list[Any]:
        first = raw.one(conn, "SELECT status FROM card_keys WHERE code = ?", ("rc-1",))
        opened.set()
        assert written.wait(10)
        second = raw.one(conn, "SELECT status FROM card_keys WHERE code = ?", ("rc-1",))
        return [first, second]

    seen: list[Any] = []
    t = threading.Thread(target=lambda: seen.extend(db.tx_sync(reader)))
    t.start()
    assert opened.wait(10)
    db.tx_sync(lambda c: raw.run(c, "UPDATE card_keys SET status = 'reserved' WHERE code = ?",
                                 ("rc-1",)))
    written.set()
    t.join(10)
    assert seen == [{"status": "available"}, {"status": "reserved"}]


def test_skip_locked_hands_a_second_buyer_the_next_key(db: Db) -> None:
    """The shop's own key pick (`FOR UPDATE SKIP LOCKED` on MariaDB as on PostgreSQL)."""
    db.tx_sync(_keys, ["sk-0", "sk-1"], "sk")
    held, done = threading.Event(), threading.Event()

    def first(conn: Connection) -> list[int]:
        ids = _pick_available(conn, "sk", 1, lock=True)
        held.set()
        assert done.wait(10)
        return ids

    got: list[list[int]] = []
    t = threading.Thread(target=lambda: got.append(db.tx_sync(first)))
    t.start()
    assert held.wait(10)
    second = db.tx_sync(lambda c: _pick_available(c, "sk", 1, lock=True))
    done.set()
    t.join(10)
    assert len(got) == 1 and len(got[0]) == len(second) == 1
    assert got[0][0] < second[0]          # the first buyer's key, skipped, not waited for
