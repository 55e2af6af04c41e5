"""What buyers saw, order by order, from the history alone (no export).

The checkers of issue 11 must judge from outside records; `orders.order_index`
mixes in the export and counts every process with an order number as that
order's buyer. This view keeps only real buyers (snoopers are judged apart by
`access`), remembers *when* each thing was seen and what the buyer asked for
(product, quantity), and reads the catalogue as buyers saw it.

Record fields it reads that the load may not emit yet (documented for it):
- `create_order` invoke/ok `value.quantity` (else load.json `plan.quantity`);
- `list_products` ok ops, `value.products = [{"id", "price", "stock_available"}]`,
  `value.final = true` on the read taken after the settle;
- `create_order` fail `value.status` 409 with an "out of stock"/"sold out" error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from drill.checks.sources import Record, Sources

SNOOPER_PREFIX = "snooper"
TERMINAL = frozenset({"expired", "refunded", "rejected", "refund_needed", "cancelled"})
SOLD_OUT_WORDS = ("out of stock", "sold out", "insufficient stock", "库存不足", "售罄")


@dataclass(slots=True)
class BuyerOrder:
    """One order as its buyer lived it; times are the buyer's wall clock (slots: a million
    orders fit in memory)."""

    order_no: str
    process: str
    product_id: str | None = None
    quantity: int | None = None
    created_at: float | None = None
    paid_seen_at: float | None = None
    trade_no: str | None = None
    delivered_seen_at: float | None = None
    reported_delivered_at: float | None = None  # the shop's delivered_at, as told to the buyer
    terminal: tuple[float, str] | None = None  # (when, status) seen by the buyer
    fetches: list[tuple[float, str, list[str]]] = field(default_factory=list)  # time, type, cards

    @property
    def cards_seen(self) -> list[list[str]]:
        return [cards for _t, kind, cards in self.fetches if kind == "ok"]

    def codes(self) -> set[str]:
        out: set[str] = set()
        for _t, kind, cards in self.fetches:
            if kind == "ok":
                out.update(cards)
        return out

    def goods_seen_at(self) -> float | None:
        """When the buyer first saw goods: the delivered status or a fetch with cards."""
        first = self.delivered_seen_at
        for t, kind, cards in self.fetches:
            if kind == "ok" and cards and (first is None or t < first):
                first = t
        return first

    def delivered_at(self) -> float | None:
        """Best outside estimate of the delivery: the shop's stamp told to the buyer, capped by
        the buyer's own first sighting."""
        told, seen = self.reported_delivered_at, self.goods_seen_at()
        if told and seen:
            return min(told, seen)
        return told or seen or None


def is_snooper(op: Record) -> bool:
    return str(op.get("process", "")).startswith(SNOOPER_PREFIX)


def real_buyer_ops(src: Sources) -> list[Record]:
    """Buyer ops without snoopers and the nemesis, memoised on the Sources (several checkers
    walk them; a million-order history is ten million ops)."""
    _walked(src, "evidence.real_buyer_ops")
    ops: list[Record] = src.cache["evidence.real_buyer_ops"]
    return ops


def snooper_ops(src: Sources) -> list[Record]:
    """The snoopers' ops, memoised with `real_buyer_ops` (one pass splits the two)."""
    _walked(src, "evidence.snooper_ops")
    ops: list[Record] = src.cache["evidence.snooper_ops"]
    return ops


def _walked(src: Sources, key: str) -> None:
    """Make sure `key` is memoised: `model.walk` fills it (and the other history views) in
    its one pass over the history."""
    if key not in src.cache:
        from drill.checks.model import walk  # the model builds on this module's types

        walk(src)


def as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def as_float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


CENT = Decimal("0.01")
_AMOUNTS: dict[str, Decimal | None] = {}  # a run's few distinct amounts, parsed once each
AMOUNTS_MAX = 4096


def money(value: Any) -> Decimal | None:
    """A money amount as Decimal to the cent, None when absent or not a number. An amount
    written as a string is parsed once (a million-order ledger repeats a dozen amounts)."""
    if type(value) is str:
        if value in _AMOUNTS:
            return _AMOUNTS[value]
        parsed = _money(value)
        if len(_AMOUNTS) < AMOUNTS_MAX:
            _AMOUNTS[value] = parsed
        return parsed
    return _money(value)


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return None


def plan_quantity(src: Sources) -> int | None:
    """The quantity the load asked for every order (load.json's plan), if recorded."""
    plan = (src.load or {}).get("plan")
    return as_int(plan.get("quantity")) if isinstance(plan, dict) else None


def buyer_orders(src: Sources) -> dict[str, BuyerOrder]:
    """order_no -> BuyerOrder from real buyers' ops, memoised on the Sources (`model.walk`:
    every non-invoke op of a real buyer naming an order, in history order; an order's
    quantity from its create, else its process's pending create invoke, else the plan)."""
    _walked(src, "evidence.buyers")
    out: dict[str, BuyerOrder] = src.cache["evidence.buyers"]
    return out


def sorted_buyers(src: Sources) -> list[BuyerOrder]:
    """`buyer_orders` by order number, memoised (checkers walk them in that order)."""
    cached = src.cache.get("evidence.sorted_buyers")
    if cached is None:
        out = buyer_orders(src)
        cached = src.cache["evidence.sorted_buyers"] = [out[no] for no in sorted(out)]
    return cached


def catalogue_reads(src: Sources) -> list[tuple[float, bool, dict[str, Record]]]:
    """Every catalogue read buyers made: (time, final?, product id -> product), in time order."""
    cached = src.cache.get("evidence.catalogue")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    reads = []
    for op in src.history or []:
        if op.get("f") != "list_products" or op.get("type") != "ok" or is_snooper(op):
            continue
        value = op.get("value") or {}
        products = {str(p.get("id")): p for p in value.get("products") or []
                    if isinstance(p, dict)}
        reads.append((as_float(op.get("time")) or 0.0, bool(value.get("final")), products))
    reads.sort(key=lambda r: r[0])
    src.cache["evidence.catalogue"] = reads
    return reads


def prices(src: Sources, spec: Any) -> dict[str, Decimal]:
    """product id -> unit price: the scenario's catalogue first (spec.prices, else meta.json
    `prices`), then the prices buyers saw in catalogue reads."""
    out: dict[str, Decimal] = {}
    for _t, _final, products in catalogue_reads(src):
        for pid, p in products.items():
            price = money(p.get("price"))
            if price is not None:
                out.setdefault(pid, price)
    declared = spec.prices or src.meta.get("prices") or {}
    items = declared.items() if isinstance(declared, dict) else declared
    for pid, value in items:
        price = money(value)
        if price is not None:
            out[str(pid)] = price
    return out


def sold_out_refusals(src: Sources) -> list[tuple[float, str, int | None, Record]]:
    """Buyers refused an order because the shop said the product was sold out:
    (time, product, quantity asked, op)."""
    out = []
    asked: dict[str, int | None] = {}
    for op in real_buyer_ops(src):
        if op.get("f") != "create_order":
            continue
        value, proc = op.get("value") or {}, str(op.get("process"))
        if op.get("type") == "invoke":
            asked[proc] = as_int(value.get("quantity"))
            continue
        error = str(value.get("error", "")).lower()
        if op.get("type") == "fail" and (as_int(value.get("status")) == 409
                                         or any(w in error for w in SOLD_OUT_WORDS)):
            qty = asked.get(proc) or plan_quantity(src)
            out.append((as_float(op.get("time")) or 0.0, str(value.get("product_id")), qty, op))
    return out


def end_time(src: Sources) -> float:
    """The end of the observed run: meta.json's ended_at, else the last thing anyone saw."""
    ended = as_float(src.meta.get("ended_at"))
    if ended:
        return ended
    times = [as_float(op.get("time")) or 0.0 for op in src.history or []]
    times += [as_float(n.get("at")) or 0.0 for n in src.notifies or []]
    return max(times, default=0.0)
