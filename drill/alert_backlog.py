"""Is the shop still owed an alert retry? Read from the IM sink, as the settle waits.

A robot that throttled (or refused) a post leaves the shop work to do after the
load: retry until the robot accepts it. The settle waits for that as it waits
for undelivered paid orders, bounded by the same `settle`, so the `messages`
check judges what the shop did with the time it was given, not where the
collection happened to cut its retries off.
"""

from __future__ import annotations

import time

import httpx

from drill.checks.messages import posts, refused_unretried
from drill.checks.sources import Sources
from drill.collect import _ledger

__all__ = ["alerts_settled"]


QUIET_S = 1.5  # wall seconds without a post: the shop's retries (<= 1 s apart) are done


def alerts_settled(sink_url: str, now: float | None = None) -> bool:
    """True when every post a robot refused was followed by one it accepted and no post came
    for QUIET_S (new alerts may still be firing), or the sink cannot be read: nothing to wait
    for that we could see. `now` is wall time (the sink stamps posts with time.time())."""
    try:
        with httpx.Client(timeout=5) as client:
            messages = _ledger(client, sink_url, "messages")
    except (httpx.HTTPError, ValueError):
        return True
    if not any(m.get("throttled") or m.get("outcome") not in (None, "accepted", "ok")
               for m in messages):
        return True  # nothing was ever refused: no backlog to wait for
    last = max((float(m.get("at") or 0.0) for m in messages), default=0.0)
    quiet = (time.time() if now is None else now) - last >= QUIET_S
    return quiet and not refused_unretried(posts(Sources(messages=messages)), None)
