"""The settle after the load: wait, bounded, until the shop owes nothing it could still do.

One loop for every kind of shop: `count_paid` says how many paid orders are still
undelivered (the reference shop's admin API, or a target adapter's admin view;
-1 when it cannot tell), and the wait also covers alert retries the shop owes the
IM sink (drill/alert_backlog.py). It ends when both are done, when `settle_s`
has passed, or when `shop_down()` says waiting is pointless.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from drill.alert_backlog import HasUrls, drained

__all__ = ["POLL_S", "reference_paid_left", "wait_settled"]

POLL_S = 0.25


def wait_settled(count_paid: Callable[[], int], settle_s: float, stack: HasUrls,
                 shop_down: Callable[[], bool]) -> int:
    """Poll until settled or out of time; the last count of paid, undelivered orders."""
    deadline, left = time.monotonic() + settle_s, -1
    for _ in range(int(settle_s / POLL_S) + 2):
        left = count_paid()
        if drained(left, stack) or time.monotonic() > deadline or shop_down():
            break
        threading.Event().wait(POLL_S)
    return left


def reference_paid_left(client: httpx.Client) -> int:
    """Paid, undelivered orders the reference shop lists now; -1 when it does not answer."""
    try:
        return len(client.get("/admin/orders", params={"status": "paid", "limit": 500})
                   .json().get("orders", []))
    except (httpx.HTTPError, ValueError):
        return -1
