"""The per-order model, built in one pass over the history (issue 11: a million orders).

Four views used to walk the history apiece: the buyer ops (no nemesis), split into real
buyers and snoopers, `evidence.buyer_orders` (what each buyer lived) and the buyer half
of `orders.order_index` (every process naming an order, what buyers were shown). Each
walk paid the same per-op overhead (the op's process, value and order number, the type
tests) over ten million ops at a million orders; `walk` pays it once and fills all four
memos on the Sources. It stays a pure function of the recorded history: the memos are
what the separate walks computed, in the same order (tests/drill/checks/test_model.py).
"""

from __future__ import annotations

from typing import Any, TypeVar

from drill.checks.evidence import (
    SNOOPER_PREFIX,
    TERMINAL,
    BuyerOrder,
    as_float,
    as_int,
    plan_quantity,
)
from drill.checks.orders import OrderFacts
from drill.checks.sources import Record, Sources

BUYER_OPS, REAL, SNOOPERS = "buyer_ops", "evidence.real_buyer_ops", "evidence.snooper_ops"
BUYERS, SEEN = "evidence.buyers", "orders.buyer_part"
T = TypeVar("T")


def cards_of(cards: Any) -> list[str]:
    """A fetch's cards as strings: the record's own list when it already is one (no copy an
    order, one list shared by the record and both views; nothing mutates them)."""
    if type(cards) is list and all(type(c) is str for c in cards):
        return cards
    return [str(c) for c in cards or []]


def grown(items: list[T], item: T) -> list[T]:
    """`items` with `item` appended; an empty list becomes a one-slot one (64 bytes where an
    append would allocate four slots, 88: an order's few lists, a million orders)."""
    if not items:
        return [item]
    items.append(item)
    return items


def walk(src: Sources) -> None:
    """Fill the four memos (see the module docstring) in one pass; `order_index` takes the
    buyer half of its facts (SEEN) out of the cache as its own."""
    history = src.history or []
    real: list[Record] = []
    snoopers: list[Record] = []
    buyers: dict[str, BuyerOrder] = {}
    seen: dict[str, OrderFacts] = {}
    asked: dict[str, int | None] = {}  # process -> quantity of its pending create
    default_qty = plan_quantity(src)
    keep, snoop = real.append, snoopers.append
    nemesis = 0
    for op in history:
        proc, value, kind = op.get("process"), op.get("value") or {}, op.get("type")
        if type(proc) is not str:
            proc = str(proc)  # str(None) for a record without one, as each walk did
        if kind == "invoke" and op.get("f") == "create_order" \
                and value.get("quantity") is not None:
            asked[proc] = as_int(value.get("quantity"))
        if proc == "nemesis":
            nemesis += 1
            continue
        snooper = proc.startswith(SNOOPER_PREFIX)
        (snoop if snooper else keep)(op)
        no = value.get("order_no")
        if not no:
            continue
        if type(no) is not str:
            no = str(no)
        o = seen.get(no)
        if o is None:
            o = seen[no] = OrderFacts(no)
        if proc is not o.process:  # the same (interned) name: nothing to add
            o.add_process(proc)
        if kind == "invoke":
            continue
        if snooper:
            if kind == "ok":
                _seen(o, op, value)
            continue
        b = buyers.get(no)
        if b is None:
            b = buyers[no] = BuyerOrder(no, proc)
        _took(o, b, op, value, kind)
        if b.quantity is None:
            b.quantity = asked.get(proc) or default_qty
    # a history without nemesis ops is its own list of buyer ops (no copy of ten million
    # references), and without snoopers too its own list of real buyers' ops
    ops = [op for op in history if str(op.get("process", "")) != "nemesis"] if nemesis \
        else history
    src.cache[BUYER_OPS], src.cache[SNOOPERS] = ops, snoopers
    src.cache[REAL] = real if snoopers or nemesis else history
    src.cache[BUYERS], src.cache[SEEN] = buyers, seen


def _seen(o: OrderFacts, op: Record, value: Record) -> None:
    """An ok op into the order's facts (what `order_index` takes from buyers)."""
    f = op.get("f")
    if f == "create_order":
        o.product_id = o.product_id or value.get("product_id")
    elif f == "pay":
        o.buyer_paid = True
        o.trade_no = o.trade_no or value.get("trade_no")
    elif f == "await_delivery":
        seen = _f(op.get("time"))
        o.buyer_seen_at = min(filter(None, [o.buyer_seen_at, seen]), default=None)
        o.buyer_delivered_at = _f(value.get("delivered_at")) or o.buyer_delivered_at
    elif f == "fetch_card":
        o.buyer_cards = grown(o.buyer_cards, cards_of(value.get("cards")))


def _took(o: OrderFacts, b: BuyerOrder, op: Record, value: Record, kind: Any) -> None:
    """A real buyer's non-invoke op into both views: the order's facts (`_seen`, ok ops
    only) and what the buyer lived (`evidence.buyer_orders`), the op read once."""
    f, t = op.get("f"), op.get("time")
    at = t if type(t) is float else as_float(t) or 0.0  # the common float: no call, no try
    if kind == "ok":
        if f == "create_order":
            o.product_id = o.product_id or value.get("product_id")
            b.product_id = value.get("product_id") or b.product_id
            b.quantity = as_int(value.get("quantity")) or b.quantity
            b.created_at = at
        elif f == "pay":
            o.buyer_paid = True
            o.trade_no = o.trade_no or value.get("trade_no")
            b.paid_seen_at, b.trade_no = at, value.get("trade_no") or b.trade_no
        elif f == "await_delivery":
            seen = t if type(t) is float else _f(t)
            o.buyer_seen_at = min(filter(None, [o.buyer_seen_at, seen]), default=None)
            told = value.get("delivered_at")
            o.buyer_delivered_at = _f(told) or o.buyer_delivered_at
            if b.delivered_seen_at is None or at < b.delivered_seen_at:
                b.delivered_seen_at = at
            b.reported_delivered_at = as_float(told) or b.reported_delivered_at
        elif f == "fetch_card":
            cards = cards_of(value.get("cards"))
            o.buyer_cards = grown(o.buyer_cards, cards)
            b.fetches = grown(b.fetches, (at, "ok", cards))
    elif f == "await_delivery" and kind == "fail" and str(value.get("status")) in TERMINAL:
        b.terminal = b.terminal or (at, str(value.get("status")))
    elif f == "fetch_card" and kind in ("fail", "info"):
        b.fetches = grown(b.fetches, (at, str(kind), []))


def _f(value: Any) -> float | None:
    if type(value) is float:
        return value
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
