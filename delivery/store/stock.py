"""Card keys: available → reserved → delivered, always by compare-and-set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from delivery.db import counts, raw
from delivery.db.schema import card_keys


class OutOfStock(Exception):
    """Not enough available keys for the requested quantity."""


# Statements are built once: building a Core statement costs more than running it.
_RELEASE = (update(card_keys)
            .where(card_keys.c.order_no == bindparam("o_no"), card_keys.c.status == "reserved")
            .values(status="available", order_no=None))
_RESERVED_CODES = (select(card_keys.c.code)
                   .where(card_keys.c.order_no == bindparam("o_no"),
                          card_keys.c.status == "reserved").order_by(card_keys.c.id))
_CONSUME = (update(card_keys)
            .where(card_keys.c.order_no == bindparam("o_no"), card_keys.c.status == "reserved")
            .values(status="delivered"))


_PICK_RAW = ("SELECT id FROM card_keys WHERE product_id = ? AND status = 'available' "
             "ORDER BY id LIMIT ?")


def _pick_available(conn: Connection, product_id: str, n: int, *, lock: bool) -> list[int]:
    # PostgreSQL: buyers skip each other's rows instead of queueing
    sql = _PICK_RAW + raw.for_update(conn, skip_locked=True)
    return [r[0] for r in raw.run(conn, sql, (product_id, n)).fetchall()]


def _cas_ids(conn: Connection, ids: list[int], to_status: str, order_no: str, now: float) -> int:
    return int(raw.run(conn, f"UPDATE card_keys SET status = ?, order_no = ?, updated_at = ? "
                             f"WHERE id IN ({raw.marks(len(ids))}) AND status = 'available'",
                       [to_status, order_no, now, *ids]).rowcount)


# a CTE, not `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`: PostgreSQL may run such a
# subquery again for each row it scans, and then reserves every key (seen: 10 of 10 for n=1)
_PICK_AND_CAS_PG = (f"WITH picked AS MATERIALIZED ({_PICK_RAW} FOR UPDATE SKIP LOCKED) "
                    "UPDATE card_keys SET status = ?, order_no = ?, updated_at = ? FROM picked "
                    "WHERE card_keys.id = picked.id AND card_keys.status = 'available'")


def reserve(conn: Connection, product_id: str, n: int, order_no: str, now: float,
            *, to_status: str = "reserved") -> None:
    """Move n available keys to `to_status` for order_no (CAS); raise OutOfStock."""
    if conn.dialect.name == "postgresql":  # pick + CAS in one round trip; the rows it picks
        # are locked by us (SKIP LOCKED), so the CAS cannot miss: fewer means too few free
        moved = raw.run(conn, _PICK_AND_CAS_PG, (product_id, n, to_status, order_no, now))
        if moved.rowcount < n:
            release(conn, order_no, now)
            raise OutOfStock(product_id)
        return
    for _ in range(8):
        ids = _pick_available(conn, product_id, n, lock=True)
        if len(ids) < n:
            release(conn, order_no, now)
            raise OutOfStock(product_id)
        if _cas_ids(conn, ids, to_status, order_no, now) == n:
            return
        release(conn, order_no, now)  # lost a race on some rows: put ours back and retry
    raise OutOfStock(product_id)


def release(conn: Connection, order_no: str, now: float) -> int:
    return conn.execute(_RELEASE, {"o_no": order_no, "updated_at": now}).rowcount


def consume_reserved(conn: Connection, order_no: str, now: float) -> list[str]:
    """Reserved keys of the order → delivered; returns their codes."""
    codes = [r[0] for r in conn.execute(_RESERVED_CODES, {"o_no": order_no})]
    if codes:
        conn.execute(_CONSUME, {"o_no": order_no, "updated_at": now})
    return codes


def take_fresh(conn: Connection, product_id: str, n: int, order_no: str, now: float) -> list[str]:
    """Deliver n available keys straight to order_no (CAS); raise OutOfStock."""
    ids = _pick_available(conn, product_id, n, lock=True)
    if len(ids) < n:
        raise OutOfStock(product_id)
    if _cas_ids(conn, ids, "delivered", order_no, now) != n:
        raise OutOfStock(product_id)  # raced; the whole transaction rolls back
    return codes_of(conn, ids)


def codes_of(conn: Connection, ids: list[int]) -> list[str]:
    rows = conn.execute(select(card_keys.c.id, card_keys.c.code).where(card_keys.c.id.in_(ids)))
    by_id = {int(i): str(c) for i, c in rows}
    return [by_id[i] for i in ids]


def peek_available(conn: Connection, product_id: str, n: int) -> list[tuple[int, str]]:
    """Bug zoo (no-key-cas): look without locking."""
    return [(int(i), str(c)) for i, c in conn.execute(
        select(card_keys.c.id, card_keys.c.code)
        .where(card_keys.c.product_id == product_id, card_keys.c.status == "available")
        .order_by(card_keys.c.id).limit(n))]


def mark_delivered_blind(conn: Connection, ids: list[int], order_no: str, now: float) -> None:
    """Bug zoo (no-key-cas): write without checking the status."""
    conn.execute(update(card_keys).where(card_keys.c.id.in_(ids))
                 .values(status="delivered", order_no=order_no, updated_at=now))


def count_available(conn: Connection, product_id: str) -> int:
    return int(conn.execute(
        select(func.count()).select_from(card_keys)
        .where(card_keys.c.product_id == product_id, card_keys.c.status == "available")
    ).scalar_one())


def import_codes(conn: Connection, product_id: str, codes: list[str], now: float
                 ) -> tuple[int, int]:
    unique = list(dict.fromkeys(codes))
    existing: set[str] = set()
    for i in range(0, len(unique), 500):
        chunk = unique[i:i + 500]
        existing |= {r[0] for r in conn.execute(
            select(card_keys.c.code).where(card_keys.c.code.in_(chunk)))}
    fresh = [c for c in unique if c not in existing]
    if fresh:
        conn.execute(insert(card_keys), [
            {"product_id": product_id, "code": c, "status": "available", "order_no": None,
             "updated_at": now} for c in fresh
        ])
    return len(fresh), len(codes) - len(fresh)


def available_counts(conn: Connection, product_ids: list[str]) -> dict[str, int]:
    """Available keys of each product, as the catalogue shows buyers: the trigger-kept
    `stock_counts` (db/counts.py), not a count over the keys (~1.2 ms at 40,000 keys)."""
    return counts.available(conn, product_ids)


def stock_table(conn: Connection) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(card_keys.c.product_id, card_keys.c.status, func.count())
        .group_by(card_keys.c.product_id, card_keys.c.status)
    )
    for pid, status, n in rows:
        out.setdefault(pid, {"available": 0, "reserved": 0, "delivered": 0})[status] = int(n)
    return out


def row_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)
