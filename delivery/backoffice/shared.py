"""The admin API's steps the back office reuses: one place for each action's logic.

Thin names over `delivery.api.admin`'s transaction functions, so a click in the
back office and a POST to the admin API change an order in exactly the same way.
Manual delivery is `delivery.api.admin.manual_deliver` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from delivery.api.admin import REFUNDABLE, decide_review, mark_refunded, requeue_manual
from delivery.store import deliveries

if TYPE_CHECKING:
    from delivery.ctx import Ctx

__all__ = ["REFUNDABLE", "refund_order", "resend_codes", "retry_order", "review_order"]


def resend_codes(conn: Connection, order_no: str) -> dict[str, Any] | None:
    """POST /admin/orders/{no}/resend: the existing delivery, or None if there is none."""
    return deliveries.existing(conn, order_no)


def retry_order(conn: Connection, order_no: str, now: float) -> bool:
    """POST …/retry: a `manual` order back to `paid`, re-queued (suppliers asked first)."""
    return requeue_manual(conn, order_no, now)


def refund_order(conn: Connection, order_no: str, now: float) -> bool:
    """POST …/refund: → `refunded`, reserved keys released, open jobs closed."""
    return mark_refunded(conn, order_no, now) is not None


def review_order(conn: Connection, ctx: Ctx, order_no: str, approve: bool, now: float
                 ) -> str | None:
    """POST …/review: approve → `paid` and queued; reject → `refund_needed` + alert."""
    return decide_review(conn, ctx, order_no, approve, now)
