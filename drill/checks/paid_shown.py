"""A buyer shown its order unpaid after the shop had acknowledged the payment.

Why: a page that still says 待支付 once the money is in (read from a stale cache, a lagging
replica, or a flag the notify handler never sets) sends the buyer to pay again or to give
up on goods it paid for. Judged on the buyer's polls (`unpaid_asked` on its await_delivery
op: when the last poll answered `pending_payment` was sent, drill/load/buyer.py) against
the shop's reply to the first genuine notify it accepted (the gateway's ledger): a poll sent
more than GRACE_S after that reply and answered unpaid is a finding. Part of buyer-truth,
one concern in its own module.
"""

from __future__ import annotations

from drill.checks.evidence import as_float, real_buyer_ops
from drill.checks.gateway_evidence import shop_knew_at
from drill.checks.said import Said, said
from drill.checks.sources import Sources

GRACE_S = 0.5  # wall seconds: the shop's commit and its reply to the notify may cross a poll


def shown_unpaid_after_paid(src: Sources) -> tuple[list[tuple[str, Said]], int]:
    """(order_no, why) for each order answered `pending_payment` to a poll sent after the
    shop had acknowledged its payment; and how many orders' polls saw it unpaid at all."""
    knew = shop_knew_at(src)
    bad: list[tuple[str, Said]] = []
    seen: set[str] = set()
    for op in real_buyer_ops(src):
        value = op.get("value") or {}
        asked = as_float(value.get("unpaid_asked"))
        if op.get("f") != "await_delivery" or op.get("type") == "invoke" or asked is None:
            continue
        no = str(value.get("order_no") or "")
        if not no or no in seen:
            continue
        seen.add(no)
        k = knew.get(no)
        if k is not None and asked > k + GRACE_S:
            bad.append((no, said("buyer-truth.paid_shown_unpaid", s=asked - k)))
    return bad, len(seen)
