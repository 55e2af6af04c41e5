"""One merged view per order across every source, built once per Sources.

Checkers ask questions about orders ("was it paid?", "which codes reached
it?"), and evidence must show an order's whole story from every source. Both
come from this index. Precedence: outside observations (buyer, gateway,
suppliers, sink) are facts; the export fills in what only the service knows
(final status, delivery source, its own timestamps).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from drill.checks.sources import Record, Sources

EXAMPLE_HISTORY_OPS = 20  # the order's own buyer ops shown with each example
PAID_STATES = frozenset({"paid", "success", "TRADE_SUCCESS"})


@dataclass
class OrderFacts:
    order_no: str
    product_id: str | None = None
    trade_no: str | None = None
    gateway_paid_at: float | None = None  # the gateway ledger says paid (fact)
    buyer_paid: bool = False  # the buyer's pay op was ok
    status: str | None = None  # export status
    export_delivered_at: float | None = None
    buyer_delivered_at: float | None = None  # service-reported delivered_at seen by the buyer
    buyer_seen_at: float | None = None  # wall time the buyer saw `delivered`
    buyer_cards: list[list[str]] = field(default_factory=list)
    deliveries: list[Record] = field(default_factory=list)  # export deliveries
    processes: set[str] = field(default_factory=set)

    @property
    def paid(self) -> bool:
        return self.gateway_paid_at is not None

    @property
    def delivered(self) -> bool:
        return bool(self.buyer_cards or self.buyer_seen_at or self.deliveries
                    or self.status == "delivered")

    @property
    def delivered_at(self) -> float | None:
        """Earliest trusted delivery time: the service's own stamp, else the buyer's sighting."""
        stamps = [t for t in (self.export_delivered_at, self.buyer_delivered_at) if t]
        if stamps:
            return min(stamps)
        return self.buyer_seen_at

    def delivered_codes(self) -> set[str]:
        codes = {c for d in self.deliveries for c in d.get("codes") or []}
        return codes | {c for cards in self.buyer_cards for c in cards}


def _f(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def order_index(src: Sources) -> dict[str, OrderFacts]:
    """order_no -> OrderFacts, memoised on the Sources object."""
    cached = src.cache.get("orders")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    idx: dict[str, OrderFacts] = {}

    def get(no: Any) -> OrderFacts:
        key = str(no)
        if key not in idx:
            idx[key] = OrderFacts(key)
        return idx[key]

    for p in src.payments or []:
        no = p.get("out_trade_no")
        if not no:
            continue
        o = get(no)
        o.trade_no = o.trade_no or p.get("trade_no")
        if p.get("status") in PAID_STATES or p.get("paid_at"):
            o.gateway_paid_at = _f(p.get("paid_at")) or _f(p.get("created_at")) or 0.0
    for op in src.buyer_ops():
        _feed_buyer(op, get)
    for rec in src.export_list("orders") or []:
        o = get(rec.get("order_no"))
        o.product_id = o.product_id or rec.get("product_id")
        o.status = rec.get("status")
        o.export_delivered_at = _f(rec.get("delivered_at"))
        o.trade_no = o.trade_no or rec.get("trade_no")
    for d in src.export_list("deliveries") or []:
        get(d.get("order_no")).deliveries.append(d)
    src.cache["orders"] = idx
    return idx


def _feed_buyer(op: Record, get: Any) -> None:
    value = op.get("value") or {}
    no = value.get("order_no")
    if not no:
        return
    o = get(no)
    o.processes.add(str(op.get("process")))
    kind, f = op.get("type"), op.get("f")
    if f == "create_order" and kind == "ok":
        o.product_id = o.product_id or value.get("product_id")
    elif f == "pay" and kind == "ok":
        o.buyer_paid = True
        o.trade_no = o.trade_no or value.get("trade_no")
    elif f == "await_delivery" and kind == "ok":
        seen = _f(op.get("time"))
        o.buyer_seen_at = min(filter(None, [o.buyer_seen_at, seen]), default=None)
        o.buyer_delivered_at = _f(value.get("delivered_at")) or o.buyer_delivered_at
    elif f == "fetch_card" and kind == "ok":
        o.buyer_cards.append([str(c) for c in value.get("cards") or []])


def _by_order(items: list[Record] | None, key: str, no: str) -> list[Record]:
    return [i for i in items or [] if str(i.get(key)) == no]


def example(src: Sources, order_no: str, reason: str) -> dict[str, Any]:
    """One piece of evidence: the order with its merged history from every source."""
    o = order_index(src).get(order_no, OrderFacts(order_no))
    procs = o.processes
    out: dict[str, Any] = {
        "order_no": order_no,
        "reason": reason,
        "history": [op for op in src.buyer_ops()
                    if op.get("process") in procs][:EXAMPLE_HISTORY_OPS],
        "gateway_payments": _by_order(src.payments, "out_trade_no", order_no),
        "gateway_notifies": _by_order(src.notifies, "out_trade_no", order_no)[:10],
        "supplier_purchases": [dict(p, supplier=name) for name, p in src.all_purchases()
                               if _purchase_order(src, p) == order_no][:10],
        "deliveries": o.deliveries,
        "buyer_cards": o.buyer_cards,
        "mails": [m for m in src.mails or [] if str(m.get("order_no")) == order_no],
    }
    export_order = [r for r in src.export_list("orders") or [] if r.get("order_no") == order_no]
    if export_order:
        out["export_order"] = export_order[0]
    jobs = _by_order(src.export_list("jobs"), "order_no", order_no)
    if jobs:
        out["jobs"] = jobs
    return out


def _purchase_order(src: Sources, purchase: Record) -> str:
    return purchase_order_map(src).get(str(purchase.get("downstream_order_no")),
                                       str(purchase.get("downstream_order_no")))


def purchase_order_map(src: Sources) -> dict[str, str]:
    """downstream_order_no (often an idempotency key) -> our order_no.

    From the export's supplier_calls (idempotency_key -> order_no); a
    downstream number that is itself an order number maps to itself; else
    the longest known order number it starts with.
    """
    cached = src.cache.get("dno")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    known = set(order_index(src))
    mapping: dict[str, str] = {}
    for call in src.export_list("supplier_calls") or []:
        if call.get("idempotency_key") and call.get("order_no"):
            mapping[str(call["idempotency_key"])] = str(call["order_no"])
    for _name, p in src.all_purchases():
        dno = str(p.get("downstream_order_no"))
        if dno in mapping:
            continue
        if dno in known:
            mapping[dno] = dno
            continue
        longest = next((dno[:n] for n in range(len(dno) - 1, 0, -1) if dno[:n] in known),
                       None)  # the longest known order number it starts with, O(len(dno))
        if longest is not None:
            mapping[dno] = longest
    src.cache["dno"] = mapping
    return mapping


def group_purchases(src: Sources) -> dict[str, list[tuple[str, Record]]]:
    """order_no -> [(supplier, purchase item), ...] from the supplier ledgers."""
    out: dict[str, list[tuple[str, Record]]] = defaultdict(list)
    for name, p in src.all_purchases():
        out[_purchase_order(src, p)].append((name, p))
    return out
