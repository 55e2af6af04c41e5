"""No goods, ever, for an unpaid order: a code shown before the gateway took the money.

Why: the shop's promise (invariant 1) is goods against payment; a page that reads the keys
linked to an order whatever its state shows an unpaid order's reserved keys (card-system
#513), and a buyer who copies them and walks away has the goods for nothing. Judged on the
buyer's own reads (drill/load/order_reads.py, buyer.py): every answer that showed codes (an
order page `look_order`, its cards route `cards_route`, the first poll of a wait that showed
codes before `delivered`, `early_cards`, and the reads after it) against the gateway's ledger
at that moment: codes shown at t for an order the gateway had not seen paid by t are a
finding. Not judged without the gateway's ledger. Part of buyer-truth, its own concern.
"""

from __future__ import annotations

from collections.abc import Iterator

from drill.checks.evidence import as_float, real_buyer_ops
from drill.checks.expired_shown import first_paid
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources

Shown = tuple[str, float, str, int]  # (order_no, when, status shown, codes shown)


def _codes(value: Record, key: str) -> int:
    cards = value.get(key)
    return len(cards) if isinstance(cards, list) else 0


def _reads(op: Record) -> Iterator[Shown]:
    """The answers in one op that showed codes."""
    value, t = op.get("value"), as_float(op.get("time"))
    if not isinstance(value, dict) or t is None or not value.get("order_no"):
        return
    no, f = str(value["order_no"]), op.get("f")
    early = value.get("early_cards")
    if f == "await_delivery" and isinstance(early, dict) and as_float(early.get("at")):
        yield no, as_float(early.get("at")) or t, str(early.get("status")), _codes(early, "cards")
    if op.get("type") != "ok":
        return
    if f == "look_order":
        for key in ("cards", "cards_route"):
            if n := _codes(value, key):
                yield no, t, str(value.get("status")), n
    elif f == "fetch_card" and (n := _codes(value, "cards")):
        yield no, t, "delivered", n


def shown_codes(src: Sources) -> list[Shown]:
    """Every buyer read (not a snooper's) that showed codes, in time order."""
    out = [r for op in real_buyer_ops(src) for r in _reads(op)]  # memoised, no snoopers
    return sorted(out, key=lambda r: r[1])


def codes_before_payment(src: Sources) -> tuple[list[tuple[str, Said]], int]:
    """(order_no, why) for each order shown codes before the gateway had seen it paid (the
    first such read); and how many reads showed codes (judged)."""
    if src.payments is None:
        return [], 0
    reads, paid = shown_codes(src), first_paid(src)
    bad: dict[str, Said] = {}
    for no, t, status, n in reads:
        at = paid.get(no)
        if no in bad or (at is not None and at <= t):
            continue
        bad[no] = said("buyer-truth.unpaid_codes", n=n, status=status,
                       paid=("never" if at is None else f"{at - t:.2f} s later"))
    return sorted(bad.items()), len(reads)
