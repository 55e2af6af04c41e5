"""stock-conservation: keys imported = delivered + available + reserved for live orders.

From outside records: the keys imported per product (stock.json), the codes
buyers were shown (history), the stock the catalogue showed buyers in its
final read after the settle (`list_products` with `final: true`, else the
last read). What is neither delivered nor available must be held by orders
still alive at that read (created, not delivered, not seen expired/refunded,
and, when the scenario gives `order_expiry_s`, unpaid orders not yet past it):
fewer keys than that means stock that does not exist is on sale, more means
keys leaked. A buyer refused "sold out" while more keys were imported than
every earlier order could hold is a finding on its own; so is an order accepted and paid in
time that lost its hold to a later order (drill/checks/held_lost.py).

The export, when there is one, enriches the books: the shop's own key table (its `stock`
rows, read after the settle) may hold no more keys `reserved` than the outside books say live
orders hold. Keys a buyer was shown, still locked to the delivered order (dujiaoka #240), look
balanced from the catalogue (they are not on sale either way) but are stock the shop's books
owe nobody; a shop with no export is judged on the outside books alone.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from drill.checks.buyer_notice import grace
from drill.checks.evidence import (
    BuyerOrder,
    as_float,
    as_int,
    buyer_orders,
    catalogue_reads,
    plan_quantity,
    real_buyer_ops,
    sold_out_refusals,
    sorted_buyers,
)
from drill.checks.held_lost import lost_holds
from drill.checks.no_oversell import stock_before
from drill.checks.orders import example, order_index
from drill.checks.said import Said, joined, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "stock-conservation"


@dataclass(frozen=True)
class Balance:
    """One product's books at the final catalogue read."""

    product_id: str
    imported: int
    delivered: int
    available: int
    live_units: int
    shop_reserved: int | None = None  # the export's own count, when there is one

    @property
    def reserved(self) -> int:
        return self.imported - self.delivered - self.available

    def problem(self) -> Said | None:
        books = said("stock-conservation.books", imported=self.imported,
                     delivered=self.delivered, available=self.available, live=self.live_units)
        if self.reserved < 0:
            return said("stock-conservation.on_sale", pid=self.product_id, n=-self.reserved,
                        books=books)
        if self.reserved > self.live_units:
            return said("stock-conservation.leaked", pid=self.product_id,
                        n=self.reserved - self.live_units, books=books)
        if self.shop_reserved is not None and self.shop_reserved > self.live_units:
            return said("stock-conservation.shop_reserved", pid=self.product_id,
                        n=self.shop_reserved, live=self.live_units, books=books)
        return None


def final_read(src: Sources) -> tuple[float, dict[str, Record]] | None:
    reads = catalogue_reads(src)
    finals = [r for r in reads if r[1]] or reads
    return (finals[-1][0], finals[-1][2]) if finals else None


def alive_at(b: BuyerOrder, t: float, expiry_s: float | None) -> bool:
    """Could this order rightly hold keys at t (as its buyer last saw it before t)?"""
    if b.created_at is None or b.created_at > t:
        return False
    goods = b.goods_seen_at()
    if (goods is not None and goods <= t) or (b.terminal is not None and b.terminal[0] <= t):
        return False
    if expiry_s is not None and b.paid_seen_at is None:
        return t - b.created_at <= expiry_s + grace(expiry_s)
    return True


def unknown_creates(src: Sources) -> list[tuple[float, str, int]]:
    """(time, product, units) of every order attempt whose outcome the buyer never learned (a
    timeout or a 5xx: an `info`): the shop may have created it, as late as the buyer gave up,
    and hold its keys until its expiry (Jepsen: an info op may or may not have happened)."""
    pending: dict[str, tuple[float, str, int]] = {}
    out = []
    default_qty = plan_quantity(src) or 1
    for op in real_buyer_ops(src):
        if op.get("f") != "create_order":
            continue
        proc, value = str(op.get("process")), op.get("value") or {}
        if op.get("type") == "invoke":
            pending[proc] = (as_float(op.get("time")) or 0.0, str(value.get("product_id")),
                             as_int(value.get("quantity")) or default_qty)
        elif proc in pending:
            _invoked, product, units = pending.pop(proc)
            if op.get("type") == "info":  # it may have taken effect as late as its answer time
                out.append((as_float(op.get("time")) or _invoked, product, units))
    return out


def shop_reserved(src: Sources) -> dict[str, int]:
    """product -> keys the shop's own key table holds `reserved` (the export's `stock` rows,
    read after the settle); empty with no export: enrichment, never needed for a verdict."""
    out: dict[str, int] = {}
    for row in src.export_list("stock") or []:
        n = as_int(row.get("reserved"))
        if n is not None:
            out[str(row.get("product_id"))] = n
    return out


def balances(src: Sources, local: dict[str, set[str]], read: tuple[float, dict[str, Record]],
             expiry_s: float | None) -> list[Balance]:
    t, shown = read
    before = stock_before(src)
    buyers = [b for b in buyer_orders(src).values() if b.product_id in local]
    uncertain = unknown_creates(src)
    held = shop_reserved(src)
    out = []
    for pid, keys in sorted(local.items()):
        available = as_int((shown.get(pid) or {}).get("stock_available"))
        if available is None:
            continue
        mine = [b for b in buyers if b.product_id == pid]
        delivered = {c for b in mine if (b.goods_seen_at() or t + 1) <= t for c in b.codes()}
        live = sum(b.quantity or 1 for b in mine if alive_at(b, t, expiry_s))
        live += sum(units for at, product, units in uncertain if product == pid
                    and (expiry_s is None or t - at <= expiry_s + grace(expiry_s)))
        prior = min(before.get(pid, 0), len(delivered - keys))  # a reused shop's earlier keys
        out.append(Balance(pid, len(keys) + before.get(pid, 0), len(delivered & keys) + prior,
                           available, live, held.get(pid)))
    return out


def product_examples(src: Sources, pid: str, t: float, why: Said) -> dict[str, Any]:
    """The product's finding with the stories of up to three orders not delivered by t and,
    when the export is there, three whose recorded deliveries hold codes their buyer never saw
    (where burned keys usually went)."""
    buyers = sorted_buyers(src)
    pending = [b.order_no for b in buyers
               if b.product_id == pid and (b.goods_seen_at() or t + 1) > t][:3]
    recorded = order_index(src) if src.export is not None else {}
    burned = [b.order_no for b in buyers if b.product_id == pid and b.order_no in recorded
              and {c for d in recorded[b.order_no].deliveries for c in d.get("codes") or []}
              - b.codes()][:3]
    return {"order_no": None, "product_id": pid, "reason": why,
            "undelivered_orders": [example(src, no, said("stock-conservation.undelivered"))
                                   for no in pending],
            "orders_with_unseen_codes": [example(src, no, said("stock-conservation.unseen_codes"))
                                         for no in burned]}


def held_before(src: Sources, local: dict[str, set[str]]
                ) -> dict[str, tuple[list[float], list[int]]]:
    """product -> (creation times sorted, running units created up to each): the most keys
    orders could hold at any moment (bisect the time)."""
    fallback = plan_quantity(src) or 1
    created: dict[str, list[tuple[float, int]]] = {pid: [] for pid in local}
    for b in buyer_orders(src).values():
        if b.product_id in created and b.created_at is not None:
            created[b.product_id].append((b.created_at, b.quantity or fallback))
    out = {}
    for pid, items in created.items():
        items.sort()
        out[pid] = ([t for t, _q in items], list(accumulate(q for _t, q in items)))
    return out


def refused_while_free(src: Sources, local: dict[str, set[str]]
                       ) -> tuple[int, list[dict[str, Any]]]:
    """Sold-out refusals the books cannot explain (more keys imported than every order created
    before could hold): how many, and the evidence of the first MAX_EXAMPLES."""
    held = held_before(src, local)
    found = 0
    out: list[dict[str, Any]] = []
    for t, pid, qty, op in sold_out_refusals(src):
        if pid not in local or qty is None:
            continue
        times, units = held[pid]
        n = bisect_right(times, t)
        free = len(local[pid]) + stock_before(src).get(pid, 0) - (units[n - 1] if n else 0)
        if free < qty:
            continue
        found += 1
        if len(out) < MAX_EXAMPLES:
            proc = str(op.get("process"))
            out.append({"order_no": None, "process": proc, "product_id": pid,
                        "reason": said("stock-conservation.refused", qty=qty, pid=pid, t=t,
                                       free=free, keys=len(local[pid])),
                        "history": [o for o in real_buyer_ops(src) if o.get("process") == proc],
                        "catalogue_reads": [r for r in catalogue_reads(src) if r[0] <= t][-2:]})
    return found, out


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.stock is None or src.history is None:
        needed = (("stock.json", src.stock), ("the buyer history", src.history))
        return missing(ID, *[name for name, value in needed if value is None])
    local = {str(p): {str(c) for c in codes} for p, codes in (src.stock.get("local") or {}).items()}
    if not local:
        return Verdict(ID, True, said("stock-conservation.none"))
    found, refused = refused_while_free(src, local)
    lost, lost_examples = lost_holds(src, spec, set(local))
    read = final_read(src)
    expiry = spec.order_expiry_s
    books = balances(src, local, read, expiry) if read else []
    broken = [(b, why) for b in books if (why := b.problem())]
    counts = {"refused_sold_out_while_free": found, "products_balanced": len(books),
              "paid_in_time_lost_hold": lost,
              "books": {b.product_id: {"imported": b.imported, "delivered": b.delivered,
                                       "available": b.available, "reserved": b.reserved,
                                       "live_units": b.live_units,
                                       "shop_reserved": b.shop_reserved} for b in books}}
    examples = [product_examples(src, b.product_id, read[0], why)
                for b, why in broken if read is not None]
    examples += refused + lost_examples
    if broken or refused or lost_examples:
        detail = joined([why for _b, why in broken[:3]] + [r["reason"] for r in refused[:1]]
                        + [r["reason"] for r in lost_examples[:1]])
        return Verdict(ID, False, said("stock-conservation.fail", detail=detail),
                       examples[:MAX_EXAMPLES], counts)
    if read is None or len(books) < len(local):
        return Verdict(ID, None, said("stock-conservation.unknown"), [], counts)
    return Verdict(ID, True, said("stock-conservation.ok", n=len(books)), [], counts)
