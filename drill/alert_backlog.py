"""Is the shop still owed an alert retry? Read from the IM sink, as the settle waits.

A robot that throttled (or refused) a post leaves the shop work to do after the
load: retry until the robot accepts it. The settle waits for that as it waits
for undelivered paid orders, bounded by the same `settle`, so the `messages`
check judges what the shop did with the time it was given, not where the
collection happened to cut its retries off.
"""

from __future__ import annotations

import httpx

from drill.checks.messages import posts, refused_unretried
from drill.checks.sources import Sources
from drill.collect import _ledger

__all__ = ["alerts_settled"]


def alerts_settled(sink_url: str) -> bool:
    """True when every post a robot refused was followed by one it accepted (or the sink
    cannot be read: nothing to wait for that we could see)."""
    try:
        with httpx.Client(timeout=5) as client:
            messages = _ledger(client, sink_url, "messages")
    except (httpx.HTTPError, ValueError):
        return True
    return not refused_unretried(posts(Sources(messages=messages)), None)
