"""Bug zoo flags and helpers of holdout round 7 (issue 11), kept apart from delivery/defects.py
for size: written blind to the checks, measured before registering (docs/zoo-holdout.md).

Each flag reproduces one real bug at the one place a `# bug zoo` hook asks for it; nothing
here runs with the flags off."""

from __future__ import annotations

import time
from typing import Any

NOTIFY_FINISHED_REFUSED = "notify-finished-refused"
ORDER_NO_PER_MS = "order-no-per-ms"
PRICE_OF_FIRST_PRODUCT = "price-of-first-product"
SUPPLIER_FAILURE_LEFT_PAID = "supplier-failure-left-paid"
PROCESSING_DEADLINE_CLEAR = "processing-deadline-clear"
HEALTH_IGNORES_TIMEOUTS = "health-ignores-timeouts"
BREAKER_5XX_SUCCESS = "breaker-5xx-success"
ALERT_BODY_FIRST_CHANNEL = "alert-body-first-channel"
DELAY_NOTICE_PER_CONTACT = "delay-notice-per-contact"
STATUS_CACHED_STALE = "status-cached-stale"
REFUND_REFUSAL_RETRIED = "refund-refusal-retried"
RECONCILE_PENDING_ONLY = "reconcile-pending-only"
ROUND7: tuple[str, ...] = (
    NOTIFY_FINISHED_REFUSED, ORDER_NO_PER_MS, PRICE_OF_FIRST_PRODUCT, SUPPLIER_FAILURE_LEFT_PAID,
    PROCESSING_DEADLINE_CLEAR, HEALTH_IGNORES_TIMEOUTS, BREAKER_5XX_SUCCESS,
    ALERT_BODY_FIRST_CHANNEL, DELAY_NOTICE_PER_CONTACT, STATUS_CACHED_STALE,
    REFUND_REFUSAL_RETRIED, RECONCILE_PENDING_ONLY)

SUCCESS_ONLY = frozenset({"TRADE_SUCCESS"})  # notify-finished-refused: TRADE_FINISHED unpaid
UNPAID_PENDING = ("pending_payment",)  # reconcile-pending-only: the statuses it asks about
CDN_TTL_S = 600.0  # status-cached-stale: scenario seconds an edge keeps a JSON reply


def ms_order_no(now: float) -> str:
    """Bug zoo (order-no-per-ms): the order number is the millisecond clock alone (bagisto
    #3902): two buyers in the same millisecond collide on the key, the second one's order
    fails."""
    return str(int(now * 1000))


_edge: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}


def edge_cached(order_no: str, token: str) -> dict[str, Any] | None:
    """Bug zoo (status-cached-stale): the order status JSON kept by an edge cache that was
    never told not to (no Cache-Control, CoreScope #1551): the buyer polls a stale reply."""
    hit = _edge.get((order_no, token))
    return hit[1] if hit is not None and hit[0] > time.time() else None


def edge_store(order_no: str, token: str, body: dict[str, Any], ttl_wall: float) -> None:
    if len(_edge) > 100_000:  # bounded like any edge
        _edge.clear()
    _edge[(order_no, token)] = (time.time() + ttl_wall, body)
