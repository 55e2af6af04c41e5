"""Is the shop still owed an alert retry? Read from the IM sink, as the settle waits.

A robot that throttled (or refused) a post leaves the shop work to do after the
load: retry until the robot accepts it. The settle waits for that as it waits
for undelivered paid orders, bounded by the same `settle`, so the `messages`
check judges what the shop did with the time it was given, not where the
collection happened to cut its retries off.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import httpx

from drill.checks.alert_posts import landed, posts
from drill.checks.messages import refused_unretried
from drill.checks.sources import Sources
from drill.collect import _ledger
from drill.components import SINK

__all__ = ["HasUrls", "alerts_settled", "drained", "settled"]


QUIET_S = 1.5  # wall seconds without a post: the shop's retries (<= 1 s apart) are done


def settled(messages: list[dict[str, Any]], now: float) -> bool:
    """Every post a robot refused was followed by one it accepted, and no post came for
    QUIET_S (new alerts may still be firing); no wait at all when nothing was refused."""
    if not any(not landed(m) for m in messages):
        return True
    last = max((float(m.get("at") or 0.0) for m in messages), default=0.0)
    return now - last >= QUIET_S and not refused_unretried(posts(Sources(messages=messages)),
                                                           None)


def alerts_settled(sink_url: str) -> bool:
    """`settled` for the sink's messages ledger now (the sink stamps posts with time.time());
    True when the sink cannot be read: nothing to wait for that we could see."""
    try:
        with httpx.Client(timeout=5) as client:
            messages = _ledger(client, sink_url, "messages")
    except (httpx.HTTPError, ValueError):
        return True
    return settled(messages, time.time())


class HasUrls(Protocol):
    """A running stack, as far as the settle needs it."""

    def url(self, name: str) -> str: ...


def drained(unsettled_paid: int, stack: HasUrls) -> bool:
    """The settle is over: no paid order undelivered and no alert retry owed at the sink."""
    return unsettled_paid == 0 and alerts_settled(stack.url(SINK))
