"""Transactions the database-lane tests queue: one that holds a pool thread, one that names it."""

from __future__ import annotations

import threading

from sqlalchemy import Connection, text


def hold_open(conn: Connection, release: threading.Event) -> str:
    """A buyer's query on a slow database, held open until `release`."""
    while not release.is_set():
        conn.execute(text("SELECT pg_sleep(0.05)"))
    return "buyer"


def thread_name(conn: Connection) -> str:
    """The name of the pool thread that ran this transaction."""
    conn.execute(text("SELECT 1"))
    return threading.current_thread().name
