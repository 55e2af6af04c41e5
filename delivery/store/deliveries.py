"""Writing a delivery: one row per order (unique), keys consumed, order delivered,
all in the caller's transaction."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert

from delivery.db import raw
from delivery.db.schema import deliveries
from delivery.store import orders, stock
from delivery.store.alerts import raise_alert

if TYPE_CHECKING:
    from delivery.ctx import Ctx

DELIVERABLE = ("paid", "manual", "review")


_INSERT = insert(deliveries)


class NotDeliverable(Exception):
    """The order is not in a state that can be delivered (e.g. already delivered)."""


_BY_ORDER_RAW = (f"SELECT {', '.join(c.name for c in deliveries.columns)} FROM deliveries "
                 "WHERE order_no = ? ORDER BY id LIMIT 1")


def existing(conn: Connection, order_no: str) -> dict[str, Any] | None:
    """The order's (first) delivery, codes decoded; on the raw cursor (a buyer poll reads it)."""
    d = raw.one(conn, _BY_ORDER_RAW, (order_no,))
    if d is None:
        return None
    d["codes"] = json.loads(d["codes"])
    return d


def write(conn: Connection, order: dict[str, Any], codes: list[str], source: str, now: float,
          *, from_status: tuple[str, ...] = DELIVERABLE, force: bool = False) -> None:
    """CAS the order to delivered and insert the delivery row (unique per order)."""
    ok = orders.set_status(conn, order["order_no"], from_status, "delivered", now,
                           delivered_at=now)
    if not ok and not force:
        raise NotDeliverable(order["order_no"])
    dedupe = order["order_no"] + (f":{uuid.uuid4().hex[:8]}" if force else "")
    conn.execute(_INSERT, {"order_no": order["order_no"], "dedupe": dedupe,
                           "codes": json.dumps(codes), "source": source, "created_at": now})


def local_codes(conn: Connection, order: dict[str, Any], now: float, *, fresh: bool = False
                ) -> list[str]:
    """Reserved keys of the order, topped up from available stock (CAS). OutOfStock if short."""
    codes = [] if fresh else stock.consume_reserved(conn, order["order_no"], now)
    need = order["quantity"] - len(codes)
    if need > 0:
        codes += stock.take_fresh(conn, order["product_id"], need, order["order_no"], now)
    return codes


def escalate(conn: Connection, ctx: Ctx, order: dict[str, Any], reason: str, now: float) -> bool:
    """paid → manual, with a manual_escalation alert."""
    moved = orders.set_status(conn, order["order_no"], "paid", "manual", now)
    if moved:
        raise_alert(conn, ctx, "manual_escalation", "critical",
                    f"order {order['order_no']} ({order['product_id']}) needs manual delivery: "
                    f"{reason}", now)
    return moved
