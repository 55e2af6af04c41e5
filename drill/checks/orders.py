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

from drill.checks.said import Said, neutral
from drill.checks.sources import Record, Sources

EXAMPLE_HISTORY_OPS = 20  # the order's own buyer ops shown with each example
PAID_STATES = frozenset({"paid", "success", "TRADE_SUCCESS"})


@dataclass(slots=True)
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
    process: str | None = None  # the first process seen with it (its buyer, mostly the only)
    others: set[str] | None = None  # any further ones: a set an order is 216 bytes x 1M

    @property
    def processes(self) -> set[str]:
        """Every process whose ops name this order."""
        first = set() if self.process is None else {self.process}
        return first | self.others if self.others else first

    def add_process(self, proc: str) -> None:
        if self.process is None:
            self.process = proc
        elif proc != self.process:
            if self.others is None:
                self.others = set()
            self.others.add(proc)

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
        export, buyer = self.export_delivered_at, self.buyer_delivered_at
        if export and buyer:
            return min(export, buyer)
        return export or buyer or self.buyer_seen_at

    def delivered_codes(self) -> set[str]:
        codes: set[str] = set()
        for d in self.deliveries:
            codes.update(d.get("codes") or ())
        for cards in self.buyer_cards:
            codes.update(cards)
        return codes


def _f(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def order_index(src: Sources) -> dict[str, OrderFacts]:
    """order_no -> OrderFacts, memoised on the Sources."""
    cached = src.cache.get("orders")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    idx: dict[str, OrderFacts] = {}

    def get(no: Any) -> OrderFacts:
        key = no if type(no) is str else str(no)
        o = idx.get(key)
        if o is None:
            o = idx[key] = OrderFacts(key)
        return o

    for p in src.payments or []:
        no = p.get("out_trade_no")
        if not no:
            continue
        o = get(no)
        o.trade_no = o.trade_no or p.get("trade_no")
        if p.get("status") in PAID_STATES or p.get("paid_at"):  # the earliest payment counts
            at = _f(p.get("paid_at")) or _f(p.get("created_at")) or 0.0
            o.gateway_paid_at = at if o.gateway_paid_at is None else min(o.gateway_paid_at, at)
    _merge_buyers(src, idx)
    for rec in src.export_list("orders") or []:
        o = get(rec.get("order_no"))
        o.product_id = o.product_id or rec.get("product_id")
        o.status = rec.get("status")
        o.export_delivered_at = _f(rec.get("delivered_at"))
        o.trade_no = o.trade_no or rec.get("trade_no")
    for d in src.export_list("deliveries") or []:
        o = get(d.get("order_no"))
        if o.deliveries:
            o.deliveries.append(d)
        else:
            o.deliveries = [d]  # one slot, not an append's four: a million orders
    src.cache["orders"] = idx
    return idx


def _merge_buyers(src: Sources, idx: dict[str, OrderFacts]) -> None:
    """What the buyers' ops say of each order (`model.walk`'s one pass), merged after the
    gateway's: an order new here takes its place (first named by a buyer op); one the
    gateway named keeps its place and the gateway's trade number before the buyer's. The
    walk's own facts become the index's (no second object an order)."""
    from drill.checks.model import SEEN, walk  # the model builds on this module's types

    if SEEN not in src.cache:
        walk(src)
    seen: dict[str, OrderFacts] = src.cache.pop(SEEN)  # the index's alone from here on
    for no, b in seen.items():
        o = idx.get(no)
        if o is not None:  # the gateway's: trade_no and gateway_paid_at only
            b.trade_no, b.gateway_paid_at = o.trade_no or b.trade_no, o.gateway_paid_at
        idx[no] = b  # an existing key keeps its place


def _by_key(items: list[Record] | None, key: str, as_str: bool = True) -> dict[Any, list[Record]]:
    """key value -> the items with it, in their order (one pass, not one per example)."""
    out: dict[Any, list[Record]] = defaultdict(list)
    for i in items or []:
        k = i.get(key)
        out[str(k) if as_str else k].append(i)
    return out


def _example_index(src: Sources) -> dict[str, Any]:
    """Every source grouped by order (and the buyer ops by process), memoised: an example
    is then a few lookups, not a scan of a million records per example."""
    cached = src.cache.get("example_index")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    by_proc: dict[Any, list[Record]] = defaultdict(list)  # refs only: no tuple an op
    for op in src.buyer_ops():
        by_proc[op.get("process")].append(op)
    purchases: dict[str, list[tuple[str, Record]]] = defaultdict(list)
    for name, p in src.all_purchases():
        purchases[_purchase_order(src, p)].append((name, p))  # copied only when shown
    idx = src.cache["example_index"] = {
        "ops": by_proc, "purchases": purchases,
        "payments": _by_key(src.payments, "out_trade_no"),
        "notifies": _by_key(src.notifies, "out_trade_no"),
        "mails": _by_key(src.mails, "order_no"),
        "export_orders": _by_key(src.export_list("orders"), "order_no", as_str=False),
        "jobs": _by_key(src.export_list("jobs"), "order_no")}
    return idx


def _history(src: Sources, idx: dict[str, Any], procs: set[str]) -> list[Record]:
    """The buyer ops of the order's processes, in history order, the first few: one
    process (the common case) is its own list; several are merged by a scan (rare)."""
    if len(procs) <= 1:
        return [op for p in procs for op in idx["ops"].get(p, ())][:EXAMPLE_HISTORY_OPS]
    return [op for op in src.buyer_ops() if op.get("process") in procs][:EXAMPLE_HISTORY_OPS]


def example(src: Sources, order_no: str, reason: str | Said) -> dict[str, Any]:
    """One piece of evidence: the order with its merged history from every source."""
    o = order_index(src).get(order_no, OrderFacts(order_no))
    idx = _example_index(src)
    out: dict[str, Any] = {
        "order_no": order_no,
        "reason": str(reason),
        "history": _history(src, idx, o.processes),
        "gateway_payments": list(idx["payments"].get(order_no, ())),
        "gateway_notifies": idx["notifies"].get(order_no, [])[:10],
        "supplier_purchases": [dict(p, supplier=name)
                               for name, p in idx["purchases"].get(order_no, [])[:10]],
        "deliveries": o.deliveries,
        "buyer_cards": o.buyer_cards,
        "mails": list(idx["mails"].get(order_no, ())),
    }
    if isinstance(reason, Said):
        out["reason_msg"] = neutral(reason)
    export_order = idx["export_orders"].get(order_no)
    if export_order:
        out["export_order"] = export_order[0]
    jobs = idx["jobs"].get(order_no)
    if jobs:
        out["jobs"] = list(jobs)
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
    """order_no -> [(supplier, purchase item), ...] from the supplier ledgers, memoised (five
    checkers ask)."""
    cached = src.cache.get("group_purchases")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[str, list[tuple[str, Record]]] = defaultdict(list)
    for name, p in src.all_purchases():
        out[_purchase_order(src, p)].append((name, p))
    src.cache["group_purchases"] = dict(out)
    return src.cache["group_purchases"]  # type: ignore[no-any-return]


def sorted_orders(src: Sources) -> list[OrderFacts]:
    """`order_index`'s orders by order number, memoised (a handful of checkers walk them in
    that order)."""
    cached = src.cache.get("sorted_orders")
    if cached is None:
        idx = order_index(src)
        cached = src.cache["sorted_orders"] = [idx[no] for no in sorted(idx)]
    return cached
