"""Available keys per product, kept by triggers on `card_keys` in `stock_counts`.

Why: the catalogue shows every buyer each product's available keys, and counting them
(`count(*)` over the product's index range) costs ~1.2 ms on SQLite at 40,000 keys and
more on PostgreSQL's side (visibility checks): a third of the service's CPU an order
when every 4th buyer looks. Triggers see every write to `card_keys` (the store, the batch
delivery, the bug zoo's blind writes, the back office, a hand-run UPDATE), so the count
cannot drift from the rows it counts, and it changes in the same transaction as they do.

Rows are sharded by `id % SHARDS` (PostgreSQL and MariaDB lock the counter row until
commit; concurrent orders take neighbouring ids, so they update different rows). A
reader sums the shards. `install` creates the triggers once per database and seeds the
counts from the rows already there, under a lock on `card_keys` (SQLite: `BEGIN
IMMEDIATE`; PostgreSQL: `LOCK TABLE`); MariaDB/MySQL commit DDL at once, so a database
upgraded while another process writes keys should be re-seeded (`reseed`) when quiet.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from delivery.db import raw

SHARDS = 8
_PLUS = ("INSERT INTO stock_counts (product_id, shard, available) "
         f"VALUES (NEW.product_id, NEW.id % {SHARDS}, 1) ")
_MINUS = (f"UPDATE stock_counts SET available = available - 1 "
          f"WHERE product_id = OLD.product_id AND shard = OLD.id % {SHARDS}")
_UPSERT = {"sqlite": "ON CONFLICT (product_id, shard) DO UPDATE SET available = available + 1",
           "postgresql": "ON CONFLICT (product_id, shard) DO UPDATE SET available = "
                         "stock_counts.available + 1",
           "mysql": "ON DUPLICATE KEY UPDATE available = available + 1"}
_SEED = ("INSERT INTO stock_counts (product_id, shard, available) SELECT product_id, "
         f"id % {SHARDS}, count(*) FROM card_keys WHERE status = 'available' "
         f"GROUP BY product_id, id % {SHARDS}")
_READ = "SELECT product_id, SUM(available) FROM stock_counts WHERE product_id IN ({}) " \
        "GROUP BY product_id"
_MOVED = "OLD.status <> NEW.status OR OLD.product_id <> NEW.product_id"


def _sqlite() -> list[str]:
    plus, minus = _PLUS + _UPSERT["sqlite"], _MINUS
    head = "CREATE TRIGGER IF NOT EXISTS"
    return [
        f"{head} stock_count_ins AFTER INSERT ON card_keys WHEN NEW.status = 'available' "
        f"BEGIN {plus}; END",
        f"{head} stock_count_del AFTER DELETE ON card_keys WHEN OLD.status = 'available' "
        f"BEGIN {minus}; END",
        f"{head} stock_count_out AFTER UPDATE OF status, product_id ON card_keys "
        f"WHEN OLD.status = 'available' AND ({_MOVED}) BEGIN {minus}; END",
        f"{head} stock_count_in AFTER UPDATE OF status, product_id ON card_keys "
        f"WHEN NEW.status = 'available' AND ({_MOVED}) BEGIN {plus}; END",
    ]


def _postgresql() -> list[str]:
    fn = ("CREATE OR REPLACE FUNCTION stock_count_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
          "BEGIN IF TG_OP <> 'INSERT' THEN IF OLD.status = 'available' THEN "
          f"{_MINUS}; END IF; END IF; "
          "IF TG_OP <> 'DELETE' THEN IF NEW.status = 'available' THEN "
          f"{_PLUS}{_UPSERT['postgresql']}; END IF; END IF; RETURN NULL; END $$")
    run = "FOR EACH ROW EXECUTE FUNCTION stock_count_fn()"
    return [fn,
            f"CREATE TRIGGER stock_count_ins AFTER INSERT ON card_keys {run}",
            f"CREATE TRIGGER stock_count_del AFTER DELETE ON card_keys {run}",
            "CREATE TRIGGER stock_count_upd AFTER UPDATE OF status, product_id ON card_keys "
            f"FOR EACH ROW WHEN ({_MOVED}) EXECUTE FUNCTION stock_count_fn()"]


def _mysql() -> list[str]:
    plus, minus = _PLUS + _UPSERT["mysql"], _MINUS
    return [
        "CREATE TRIGGER stock_count_ins AFTER INSERT ON card_keys FOR EACH ROW "
        f"BEGIN IF NEW.status = 'available' THEN {plus}; END IF; END",
        "CREATE TRIGGER stock_count_del AFTER DELETE ON card_keys FOR EACH ROW "
        f"BEGIN IF OLD.status = 'available' THEN {minus}; END IF; END",
        "CREATE TRIGGER stock_count_upd AFTER UPDATE ON card_keys FOR EACH ROW BEGIN "
        f"IF OLD.status = 'available' AND ({_MOVED}) THEN {minus}; END IF; "
        f"IF NEW.status = 'available' AND ({_MOVED}) THEN {plus}; END IF; END",
    ]


def _installed(conn: Connection) -> bool:
    name = conn.dialect.name
    if name == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?"
    elif name == "postgresql":
        sql = ("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'card_keys'::regclass "
               "AND tgname LIKE ?")
    else:
        sql = ("SELECT count(*) FROM information_schema.triggers WHERE trigger_schema = "
               "DATABASE() AND event_object_table = 'card_keys' AND trigger_name LIKE ?")
    return int(raw.run(conn, sql, ("stock_count_%",)).fetchone()[0]) > 0


def _plain(conn: Connection, sql: str) -> None:
    """A statement without parameters (its `%` is SQL's modulo, not a placeholder)."""
    try:
        conn.connection.driver_connection.cursor().execute(sql)  # type: ignore[union-attr]
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error,
                                  dialect=conn.dialect) from exc


def reseed(conn: Connection) -> None:
    """Recount `stock_counts` from `card_keys` (inside the caller's transaction)."""
    _plain(conn, "DELETE FROM stock_counts")
    _plain(conn, _SEED)


def install(engine: Engine) -> None:
    """Create the triggers if this database has none yet, and seed the counts."""
    with engine.begin() as conn:
        name = conn.dialect.name
        if name == "postgresql":
            _plain(conn, "LOCK TABLE card_keys IN SHARE ROW EXCLUSIVE MODE")
        if _installed(conn):
            return
        ddl = {"sqlite": _sqlite, "postgresql": _postgresql}.get(name, _mysql)()
        try:
            for sql in ddl:
                _plain(conn, sql)
        except DBAPIError as exc:
            if name != "mysql" or "exists" not in str(exc.orig).lower():
                raise
            return  # another process created them first (MySQL has no transactional DDL)
        reseed(conn)


def available(conn: Connection, product_ids: list[str]) -> dict[str, int]:
    """Available keys of each product (0 for one with none), one indexed read."""
    if not product_ids:
        return {}
    rows = raw.run(conn, _READ.format(raw.marks(len(product_ids))), product_ids).fetchall()
    got = {str(pid): int(n) for pid, n in rows}
    return {pid: got.get(pid, 0) for pid in product_ids}
