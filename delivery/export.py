"""GET /admin/export: the whole run for the oracle (CONTRACTS §1)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from delivery.db.schema import alerts, deliveries, jobs, notices, orders, payments, supplier_calls
from delivery.store.stock import stock_table


def _rows(conn: Connection, table: Any, cols: list[str]) -> list[dict[str, Any]]:
    q = select(*[table.c[c] for c in cols]).order_by(next(iter(table.primary_key.columns)))
    return [dict(r._mapping) for r in conn.execute(q)]


def export(conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {
        "orders": _rows(conn, orders, ["order_no", "product_id", "quantity", "amount", "contact",
                                       "status", "created_at", "paid_at", "delivered_at",
                                       "trade_no", "expires_at"]),
        "payments": _rows(conn, payments, ["trade_no", "order_no", "amount", "received_at"]),
        "deliveries": _rows(conn, deliveries, ["order_no", "codes", "source", "created_at"]),
        "jobs": _rows(conn, jobs, ["order_no", "kind", "state", "attempts", "claimed_by",
                                   "updated_at"]),
        "supplier_calls": _rows(conn, supplier_calls, [
            "order_no", "supplier", "endpoint", "idempotency_key", "attempt", "status",
            "outcome", "latency_ms", "error", "at"]),
        "alerts": _rows(conn, alerts, ["rule", "severity", "message", "window_start", "at",
                                       "channels"]),
        "notices": _rows(conn, notices, ["order_no", "kind", "at"]),
    }
    for d in out["deliveries"]:
        d["codes"] = json.loads(d["codes"])
    for a in out["alerts"]:
        a["channels"] = json.loads(a["channels"])
    out["jobs"] = [j for j in out["jobs"] if j.pop("kind") == "deliver"]
    out["stock"] = [{"product_id": pid, **counts} for pid, counts in stock_table(conn).items()]
    return out
