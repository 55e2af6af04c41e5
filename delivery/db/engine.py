"""Run a function inside one database transaction.

SQLite: calls run directly on the event loop (~20 µs each, far cheaper than a
thread hop); one connection per process, `BEGIN IMMEDIATE` so concurrent
processes (api + worker) serialise writers instead of failing on upgrade.
PostgreSQL and MariaDB/MySQL: calls run in a small thread pool (default 8) with
a pooled connection each, so a slow database (toxiproxy `db` link) never blocks
the loop; READ COMMITTED (also on InnoDB, whose default REPEATABLE READ would
serve stale snapshots to the reads between the CASes) plus conditional UPDATEs
(CAS) and unique constraints.

The operator's requests (back office, admin API) run in a lane of their own (two
threads, their own connections): when buyers' polls fill the pool of a slow database,
the merchant can still open the order list and deliver by hand, as a shop that gives
its admin its own workers does. `operator_lane()` marks the current request.
The loops that tell people (the monitor's rules pass: alerts, delay notices, delivery
mails; the outbox that sends them) have a lane too (`alerting_lane()`): in the shared
pool, with 80 ms per round trip, the queue grew to ~2 s, a rules pass took 2.6 s and the
next never ended before the fault healed, so buyers who waited past the delay threshold
were never told (db-flaky, round 6).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from delivery.db import counts, raw
from delivery.db.schema import metadata

T = TypeVar("T")
PG_THREADS = 4  # more threads fight the event loop for the GIL: CPU an order rose 8 → 4
OPERATOR_THREADS = 2
ALERTING_THREADS = 2  # the rules pass and the outbox never wait for each other
_LANE: ContextVar[str] = ContextVar("db_lane", default="buyer")


@contextlib.contextmanager
def _in_lane(name: str) -> Iterator[None]:
    token = _LANE.set(name)
    try:
        yield
    finally:
        _LANE.reset(token)


def operator_lane() -> contextlib.AbstractContextManager[None]:
    """Database calls made inside (this request's) run in the operator's lane."""
    return _in_lane("operator")


def alerting_lane() -> contextlib.AbstractContextManager[None]:
    """Database calls made inside (a background loop's task) run in the background lane."""
    return _in_lane("alerting")


class Db:
    def __init__(self, url: str, *, threads: int = PG_THREADS) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        # psycopg: autocommit is a client flag (no round trip); pymysql would send a SET
        self.autocommit_reads = url.startswith("postgresql")
        self._pool: ThreadPoolExecutor | None = None
        self._operator_pool: ThreadPoolExecutor | None = None
        self._alerting_pool: ThreadPoolExecutor | None = None
        self._conn: Connection | None = None
        if self.sqlite:
            self.engine = create_engine(
                url, poolclass=StaticPool, connect_args={"timeout": 30, "check_same_thread": False}
            )
            _sqlite_setup(self.engine)
        else:
            mysql = url.startswith(("mysql", "mariadb"))
            self.engine = create_engine(url, pool_size=threads + OPERATOR_THREADS
                                        + ALERTING_THREADS + 2,
                                        max_overflow=4,
                                        pool_recycle=3600 if mysql else -1,
                                        **({"isolation_level": "READ COMMITTED"} if mysql
                                           else {}))
            self._pool = ThreadPoolExecutor(threads, thread_name_prefix="pg")
            self._operator_pool = ThreadPoolExecutor(OPERATOR_THREADS,
                                                     thread_name_prefix="pg-operator")
            self._alerting_pool = ThreadPoolExecutor(ALERTING_THREADS,
                                                       thread_name_prefix="pg-alerting")

    def create_schema(self) -> None:
        for attempt in range(5):  # api and worker may start together
            try:
                metadata.create_all(self.engine, checkfirst=True)
                counts.install(self.engine)
                return
            except DBAPIError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def tx_sync(self, fn: Callable[..., T], *args: Any, read: bool = False) -> T:
        for attempt in range(50):
            try:
                if self.sqlite:
                    if self._conn is None:
                        self._conn = self.engine.connect()
                    conn = self._conn
                    with conn.begin():
                        return fn(conn, *args)
                return _server_tx(self.engine, fn, args, read and self.autocommit_reads)
            except _Reconnected:
                if attempt >= 2:
                    raise
            except OperationalError as exc:
                if not _retryable(exc) or attempt == 49:
                    raise
                time.sleep(min(0.001 * 2**attempt, 0.05))
        raise AssertionError("unreachable")

    async def tx(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) in one transaction; retried on lock/serialisation errors."""
        if self._pool is None:
            return self.tx_sync(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self._lane(), self.tx_sync, fn,
                                                                *args)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a body that only reads. PostgreSQL: in autocommit (each statement its own
        READ COMMITTED snapshot, no BEGIN/COMMIT round trips), so the body must not need
        its statements to agree beyond what one committed transaction writes together."""
        if self._pool is None:
            return self.tx_sync(fn, *args)
        return await asyncio.get_running_loop().run_in_executor(
            self._lane(), functools.partial(self.tx_sync, fn, *args, read=True))

    def _lane(self) -> ThreadPoolExecutor | None:
        lane = _LANE.get()
        if lane == "operator":
            return self._operator_pool
        return self._alerting_pool if lane == "alerting" else self._pool

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        for pool in (self._pool, self._operator_pool, self._alerting_pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()


class _Reconnected(Exception):
    """The connection died before the transaction could commit: nothing was written, the
    body may run again on a fresh connection (the pool replaced the dead ones)."""


def _server_tx(engine: Engine, fn: Callable[..., T], args: tuple[Any, ...], read: bool) -> T:
    """One transaction on a pooled connection (no ping on checkout: a connection found dead
    by a statement of the body raises `_Reconnected`, the server rolled the transaction
    back; one lost at COMMIT is not retried, the commit may have landed)."""
    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        if read:
            dbapi.autocommit = True  # type: ignore[union-attr]
        try:
            trans = conn.begin()
            try:
                out = fn(conn, *args)
            except DBAPIError as exc:
                if _dead(engine, exc, dbapi):
                    conn.invalidate()  # this one is dead; the others likely too (a restart)
                    engine.dispose()
                    raise _Reconnected(str(exc.orig)) from exc
                trans.rollback()
                raise
            except BaseException:
                trans.rollback()
                raise
            trans.commit()
            return out
        finally:
            if read and not dbapi.closed:  # type: ignore[union-attr]
                dbapi.autocommit = False  # type: ignore[union-attr]


def _dead(engine: Engine, exc: DBAPIError, dbapi: Any) -> bool:
    """The connection is gone (raw.run's errors bypass SQLAlchemy's own disconnect check)."""
    if exc.connection_invalidated:
        return True
    orig: Any = exc.orig
    return orig is not None and bool(engine.dialect.is_disconnect(orig, dbapi, None))


def _retryable(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(s in text for s in ("locked", "busy", "deadlock", "could not serialize"))


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # on the raw cursor (every tx starts here; exec_driver_sql cost ~5 % of the service's
        # CPU in a 500 orders/s flash sale); errors still surface as SQLAlchemy's
        raw.run(conn, "BEGIN IMMEDIATE")
