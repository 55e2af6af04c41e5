"""A buyer shown its order not delivered after the shop's own delivery stamp.

Why: a status reply served from a cache without `Cache-Control` (an edge or the shop's own),
a lagging read replica or a page that reads a flag set later tells a buyer who has been sent
the goods that they are still coming; the buyer waits, complains or pays again. Judged on
the buyer's own polls alone: `undelivered_asked` (drill/load/buyer.py) is when the last poll
answered anything but `delivered` was sent, `delivered_at` the stamp the shop's `delivered`
reply then carried. A poll sent more than GRACE_S after that stamp and answered "not yet"
contradicts the shop's own later answer. Part of buyer-truth, one concern in its own module.
"""

from __future__ import annotations

from drill.checks.evidence import as_float, real_buyer_ops
from drill.checks.said import Said, said
from drill.checks.sources import Sources

# wall seconds: the shop stamps delivered_at before its transaction commits; under database
# faults the commit (and so what a poll reads) trails the stamp: 2.3 s seen on MariaDB with
# reset connections (a stale cache in the zoo: 8.5-10 s)
GRACE_S = 5.0


def last_not_yet(src: Sources) -> dict[str, tuple[float, float]]:
    """order_no -> (when its buyer's last "not yet" poll went, the delivered_at stamp of the
    shop's later `delivered` reply), for delivered waits that recorded both (memoised)."""
    cached = src.cache.get("last_not_yet")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[str, tuple[float, float]] = {}
    for op in real_buyer_ops(src):
        if op.get("f") != "await_delivery" or op.get("type") != "ok":
            continue
        value = op.get("value") or {}
        asked, stamp = as_float(value.get("undelivered_asked")), as_float(value.get("delivered_at"))
        if asked is not None and stamp is not None:
            out[str(value.get("order_no") or "")] = (asked, stamp)
    src.cache["last_not_yet"] = out
    return out


def shown_undelivered_after_delivery(src: Sources) -> tuple[list[tuple[str, Said]], int]:
    """(order_no, why) for each order whose buyer was told "not delivered" by a poll sent
    GRACE_S past the shop's delivery stamp; and how many delivered waits could be judged."""
    waits = last_not_yet(src)
    bad = [(no, said("buyer-truth.delivered_shown_late", s=asked - stamp))
           for no, (asked, stamp) in waits.items() if asked > stamp + GRACE_S]
    return bad, len(waits)
