"""Claim + local delivery of many due jobs in ONE transaction, on the raw DBAPI cursor.

The common case (a paid order whose keys were reserved at creation) needs no
lease: the job is claimed and finished in the same transaction that consumes
the keys, inserts the delivery and CASes the order `paid → delivered`, so the
outbox stays exactly-once and a crash rolls everything back. ~8 statements per
batch instead of ~9 per order, one commit per batch.

Jobs this path does not handle (forced re-deliveries, ops re-queues, supplier
products, orders short of reserved keys) are claimed with a normal lease in
the same transaction and returned for the per-job path. Any surprise (a CAS
that does not match what we read) raises `Conflict`: the transaction rolls
back and the caller falls back to the per-job path.

SQL is written with `?` placeholders (sqlite3) and rewritten to `%s` for psycopg.
PostgreSQL locks what it reads (`FOR UPDATE`, jobs with `SKIP LOCKED`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from delivery.db import raw
from delivery.store import jobs as J


class Conflict(Exception):
    """A row moved between our read and our write: roll back, use the per-job path."""


_DUE = ("SELECT id, order_no, payload FROM jobs WHERE kind = 'deliver' AND ("
        "(state = 'pending' AND due_at <= ?) OR (state = 'leased' AND lease_until < ?)) "
        "ORDER BY due_at LIMIT ?")


def claim_and_deliver(conn: Connection, worker_id: str, now: float, lease_wall: float,
                      limit: int, is_local: Callable[[str], bool]
                      ) -> tuple[list[tuple[str, float | None]], list[dict[str, Any]]]:
    """Returns ([(order_no, paid_at) delivered], [leased job dicts for the per-job path])."""
    def run(sql: str, params: Any) -> Any:
        return raw.run(conn, sql, params)

    due = run(_DUE + raw.for_update(conn, skip_locked=True), (now, now, limit)).fetchall()
    if not due:
        return [], []
    simple = {no: jid for jid, no, payload in due if payload in ("{}", "", None) and no}
    rest = [jid for jid, no, _p in due if no not in simple or simple[no] != jid]
    lock = raw.for_update(conn)
    rows: list[Any] = []
    codes: dict[str, list[str]] = {}
    if simple:
        nos = list(simple)
        rows = run(f"SELECT order_no, product_id, quantity, status, paid_at FROM orders "
                   f"WHERE order_no IN ({raw.marks(len(nos))}){lock}", nos).fetchall()
        for no, code in run(f"SELECT order_no, code FROM card_keys WHERE order_no IN "
                            f"({raw.marks(len(nos))}) AND status = 'reserved' ORDER BY id{lock}",
                            nos).fetchall():
            codes.setdefault(no, []).append(code)
    found = {r[0] for r in rows}
    done = [simple[no] for no in simple if no not in found]  # no such order: nothing to do
    ship: list[tuple[str, float | None, list[str]]] = []
    for no, product_id, quantity, status, paid_at in rows:
        if status != "paid":
            done.append(simple[no])  # delivered another way, or not ours (as the per-job path)
        elif is_local(product_id) and len(codes.get(no, ())) == quantity:
            ship.append((no, paid_at, codes[no]))
            done.append(simple[no])
        else:
            rest.append(simple[no])
    if ship:
        nos = [s[0] for s in ship]
        moved = run(f"UPDATE card_keys SET status = 'delivered', updated_at = ? WHERE order_no "
                    f"IN ({raw.marks(len(nos))}) AND status = 'reserved'", [now, *nos]).rowcount
        if moved != sum(len(s[2]) for s in ship):
            raise Conflict("reserved keys moved")
        moved = run(f"UPDATE orders SET status = 'delivered', delivered_at = ?, updated_at = ? "
                    f"WHERE order_no IN ({raw.marks(len(nos))}) AND status = 'paid'",
                    [now, now, *nos]).rowcount
        if moved != len(nos):
            raise Conflict("order status moved")
        sql = ("INSERT INTO deliveries (order_no, dedupe, codes, source, created_at) "
               "VALUES (?, ?, ?, 'local', ?)")
        raw.run(conn, sql, [(no, no, json.dumps(c), now) for no, _p, c in ship], many=True)
    if done:
        run(f"UPDATE jobs SET state = 'done', attempts = attempts + 1, claimed_by = ?, "
            f"lease_until = NULL, updated_at = ? WHERE id IN ({raw.marks(len(done))})",
            [worker_id, now, *done])
    leased: list[dict[str, Any]] = []
    if rest:
        until = now + lease_wall
        conn.execute(J._CLAIM, {"ids": rest, "kinds": ["deliver"], "now": now, "by": worker_id,
                                "until": until})
        leased = [dict(r._mapping) for r in conn.execute(
            J._CLAIMED, {"ids": rest, "by": worker_id, "until": until})]
    return [(no, paid_at) for no, paid_at, _c in ship], leased
