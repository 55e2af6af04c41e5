"""Orders a supplier refused outright while another supplier with stock was never asked.

A definite refusal (the supplier's own ledger: sold out, no such product, no balance) means
nothing was bought, so buying elsewhere is safe and is what a backup supplier is for. An
order that such a refusal left without goods, whose every other supplier had stock for it
at that moment (configured stock, stock.json, less what its ledger sold before) and was
healthy (no fault on it then or shortly before: its breaker may rightly be open), yet has no
entry at all in their ledgers, was escalated or failed with the goods on a shelf next door
(spree_drop_ship #66: "insufficient stock" taken for "may have bought").

Judged after the settle only: "never asked" is final then, however late the shop retries.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

from drill.checks.evidence import as_float, as_int, buyer_orders
from drill.checks.gateway_evidence import fault_at, fault_windows
from drill.checks.no_double_purchase import effective
from drill.checks.orders import purchase_order_map
from drill.checks.sources import Record, Sources

# the supplier API's answers that sell nothing (fakes/supplier/purchase.py: before commit)
REFUSED = frozenset({"insufficient_stock", "product_not_found", "insufficient_balance"})
FAULT_SLACK_S = 5.0  # a fault that ended this long before (or two breaker resets, if longer)
#                     still excuses the other supplier's breaker being open


@dataclass(frozen=True, slots=True)
class Unasked:
    """One order refused by `refused_by` at `at`, never offered to `spare` (which had stock)."""

    order_no: str
    refused_by: str
    outcome: str
    at: float
    sku: str
    quantity: int
    spare: tuple[str, ...]


class Shelves:
    """Each supplier's stock of each sku over time, from its configured stock and its ledger."""

    def __init__(self, src: Sources) -> None:
        config = (src.stock or {}).get("supplier") or {}
        self.configured = {(str(name), str(sku)): as_int(n) or 0
                           for name, skus in config.items() if isinstance(skus, dict)
                           for sku, n in skus.items()}
        sold: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for name, p in src.all_purchases():
            if effective(p):
                sold.setdefault((name, str(p.get("sku"))), []).append(
                    (as_float(p.get("at")) or 0.0, as_int(p.get("quantity")) or 1))
        self.sold = {k: ([t for t, _n in sorted(v)], list(accumulate(n for _t, n in sorted(v))))
                     for k, v in sold.items()}

    def suppliers(self) -> list[str]:
        return sorted({name for name, _sku in self.configured})

    def left(self, name: str, sku: str, t: float) -> int:
        """Units `name` still had of `sku` just before t."""
        times, running = self.sold.get((name, sku), ([], []))
        n = bisect_left(times, t)
        return self.configured.get((name, sku), 0) - (running[n - 1] if n else 0)


def unasked(src: Sources, breaker_reset_s: float | None = None) -> list[Unasked]:
    """The refused orders, without goods, that another healthy supplier with stock never saw."""
    slack = max(FAULT_SLACK_S, 2 * (breaker_reset_s or 0.0))
    dno = purchase_order_map(src)
    by_order: dict[str, list[tuple[str, Record]]] = {}
    for name, p in src.all_purchases():
        raw = str(p.get("downstream_order_no"))
        by_order.setdefault(dno.get(raw, raw), []).append((name, p))
    shelves, windows, buyers = Shelves(src), fault_windows(src), buyer_orders(src)
    out: list[Unasked] = []
    for no, items in sorted(by_order.items()):
        buyer = buyers.get(no)
        if any(effective(p) for _n, p in items) or (
                buyer is not None and buyer.goods_seen_at() is not None):
            continue
        refusals = sorted((as_float(p.get("at")) or 0.0, name, p) for name, p in items
                          if str(p.get("outcome")) in REFUSED)
        if not refusals:
            continue
        at, name, p = refusals[0]
        sku, qty = str(p.get("sku")), as_int(p.get("quantity")) or 1
        asked = {n for n, _p in items}
        spare = tuple(s for s in shelves.suppliers() if s not in asked
                      and shelves.left(s, sku, at) >= qty
                      and fault_at(at, windows, slack, on=(s,)) is None)
        if spare:
            out.append(Unasked(no, name, str(p.get("outcome")), at, sku, qty, spare))
    return out
