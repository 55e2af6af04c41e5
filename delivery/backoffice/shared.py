"""The admin actions whose logic lives inside `delivery/api/admin.py`'s route closures,
as plain functions over one connection, so the back office calls the same steps.

Each mirrors its admin route exactly (same store calls, same states); once admin.py's
handlers are module-level, they should call these (one place for the logic).
Manual delivery needs no copy: `delivery.api.admin.manual_deliver` is already shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from delivery.store import deliveries, jobs, orders, payments, stock
from delivery.store.alerts import raise_alert

if TYPE_CHECKING:
    from delivery.ctx import Ctx

REFUNDABLE = ("paid", "manual", "review", "refund_needed", "rejected")


def resend_codes(conn: Connection, order_no: str) -> dict[str, Any] | None:
    """POST /admin/orders/{no}/resend: the existing delivery, or None if there is none."""
    return deliveries.existing(conn, order_no)


def retry_order(conn: Connection, order_no: str, now: float) -> bool:
    """POST …/retry: a `manual` order back to `paid`, re-queued (suppliers asked first)."""
    if not orders.set_status(conn, order_no, "manual", "paid", now):
        return False
    jobs.enqueue(conn, "deliver", f"deliver:{order_no}:retry:{now}", now, order_no=order_no,
                 payload={"resume": True})
    return True


def refund_order(conn: Connection, order_no: str, now: float) -> bool:
    """POST …/refund: → `refunded`, reserved keys released, open jobs closed."""
    if not orders.set_status(conn, order_no, REFUNDABLE, "refunded", now):
        return False
    stock.release(conn, order_no, now)
    jobs.close_for_order(conn, order_no, now)
    return True


def review_order(conn: Connection, ctx: Ctx, order_no: str, approve: bool, now: float
                 ) -> str | None:
    """POST …/review: approve → `paid` and queued; reject → `refund_needed` + alert,
    keys released. None when the order is not waiting for review."""
    if approve:
        if not orders.set_status(conn, order_no, "review", "paid", now):
            return None
        payments.enqueue_delivery(conn, order_no, now)
        return "paid"
    if not orders.set_status(conn, order_no, "review", "refund_needed", now):
        return None
    stock.release(conn, order_no, now)
    raise_alert(conn, ctx, "refund_needed", "warning",
                f"order {order_no} rejected in review after payment; refund it", now)
    return "refund_needed"
