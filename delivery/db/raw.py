"""The hot statements on the raw DBAPI cursor of the current transaction.

A SQLAlchemy Core execution costs 35–80 µs of Python per statement; the same
statement on the sqlite3/psycopg/pymysql cursor costs a few µs plus the database's
own work. SQL is written with `?` placeholders and rewritten once per text for
psycopg and pymysql (`%s`). Used inside `Db.tx` bodies only (same connection, same tx).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


@lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def run(conn: Connection, sql: str, params: Any = (), *, many: bool = False) -> Any:
    """Execute on the DBAPI cursor; returns the cursor (fetchone/fetchall/rowcount).
    DBAPI errors are raised as SQLAlchemy's (IntegrityError, OperationalError, ...) so
    callers and Db.tx's retry see the same exceptions as with Core statements."""
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    text = sql if conn.dialect.name == "sqlite" else _pg(sql)
    try:
        (cur.executemany if many else cur.execute)(text, params)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(text, params, exc, conn.dialect.loaded_dbapi.Error,
                                  dialect=conn.dialect) from exc
    return cur


_NAMES: dict[str, list[str]] = {}  # column names per SQL text (one text, one column list)


def one(conn: Connection, sql: str, params: tuple[Any, ...] | list[Any] = ()
        ) -> dict[str, Any] | None:
    cur = run(conn, sql, params)
    row = cur.fetchone()
    if row is None:
        return None
    names = _NAMES.get(sql)
    if names is None:  # psycopg builds a Column object per column at each `description`
        names = [d[0] for d in cur.description]
        if len(_NAMES) < 512:
            _NAMES[sql] = names
    return dict(zip(names, row, strict=True))


def marks(n: int) -> str:
    return ",".join("?" * n)


def for_update(conn: Connection, skip_locked: bool = False) -> str:
    """Row locks on PostgreSQL and MariaDB/MySQL (SKIP LOCKED: MariaDB >= 10.6, MySQL >= 8);
    SQLite's BEGIN IMMEDIATE already serialises writers."""
    if conn.dialect.name == "sqlite":
        return ""
    return " FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE"
