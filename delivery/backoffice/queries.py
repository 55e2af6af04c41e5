"""What the pages show: orders by status group and age, stock, the API/communication log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from delivery.config import Config
from delivery.db.schema import anomalies, jobs, payments, supplier_calls
from delivery.store import deliveries, orders, stock

# the seed's status filters → the service's order statuses (docs/CONTRACTS.md §1)
GROUPS: dict[str, tuple[str, ...]] = {
    "all": (),
    "pending": ("pending_payment",),
    "processing": ("paid",),
    "stuck": ("paid", "review", "manual"),
    "failed": ("manual", "refund_needed", "rejected"),
    "delivered": ("delivered",),
    "manual": ("manual",),
    "review": ("review",),
    "refund": ("refund_needed", "refunded"),
    "expired": ("expired",),
}
LIST_LIMIT = 500


def order_list(conn: Connection, group: str, older_wall: float | None, now: float
               ) -> list[dict[str, Any]]:
    """Orders of the group (oldest first) created at least `older_wall` wall seconds ago."""
    found: list[dict[str, Any]] = []
    for status in GROUPS[group] or (None,):
        found += orders.listing(conn, status, older_wall, now, LIST_LIMIT)
    found.sort(key=lambda o: o["created_at"])
    return found[:LIST_LIMIT]


def stock_rows(conn: Connection, cfg: Config) -> list[dict[str, Any]]:
    """One row per configured product: counts and whether it is under the low-stock line."""
    table = stock.stock_table(conn)
    line = cfg.monitor.low_stock_below
    out = []
    for p in cfg.products:
        counts = table.get(p.id, {"available": 0, "reserved": 0, "delivered": 0})
        low = p.kind == "local" and counts["available"] < line
        out.append({"id": p.id, "name": p.name, "kind": p.kind, **counts, "line": line,
                    "low": low})
    return out


def _recent(conn: Connection, table: Any, limit: int, *order_col: Any) -> list[dict[str, Any]]:
    q = select(table).order_by(*order_col).limit(limit)
    return [dict(r._mapping) for r in conn.execute(q)]


def api_log(conn: Connection, limit: int) -> dict[str, list[dict[str, Any]]]:
    """The seed's API日志: supplier calls, gateway notifies (accepted and rejected), outbox."""
    outbox = [j for j in _recent(conn, jobs, limit * 3, jobs.c.id.desc())
              if j["kind"] in ("alert", "mail")][:limit]
    for j in outbox:
        body = json.loads(j.pop("payload") or "{}").get("body") or {}
        j["to"] = body.get("to") or ""
        j["what"] = body.get("kind") or body.get("msgtype") or ""
    return {
        "supplier": _recent(conn, supplier_calls, limit, supplier_calls.c.id.desc()),
        "payments": _recent(conn, payments, limit, payments.c.id.desc()),
        "anomalies": _recent(conn, anomalies, limit, anomalies.c.id.desc()),
        "outbox": outbox,
    }


def order_detail(conn: Connection, order_no: str) -> dict[str, Any] | None:
    """The order with its delivery (codes), supplier calls and outgoing messages."""
    o = orders.get(conn, order_no)
    if o is None:
        return None
    calls = conn.execute(select(supplier_calls).where(supplier_calls.c.order_no == order_no)
                         .order_by(supplier_calls.c.id)).all()
    msgs = conn.execute(select(jobs.c.kind, jobs.c.state, jobs.c.attempts, jobs.c.updated_at)
                        .where(jobs.c.order_no == order_no).order_by(jobs.c.id)).all()
    return {"order": orders.public(o), "delivery": deliveries.existing(conn, order_no),
            "calls": [dict(r._mapping) for r in calls], "jobs": [dict(r._mapping) for r in msgs]}
