"""What a supplier remembers: stock, committed orders by downstream_order_no, ledgers.

`commit` is synchronous on purpose: with no await between the idempotency check
and the insert, 100 concurrent duplicates on the event loop cannot race (unless
the ``race_window_ms`` behaviour deliberately opens that window).
"""

from __future__ import annotations

from typing import Any

from fakes._common import Behaviour, Clock, Ledger, LoopClock, Streams
from fakes.supplier.cards import CodeMaker, Product, make_products
from fakes.supplier.knobs import KNOBS


class SupplierState:
    def __init__(self, name: str, api_key: str, api_secret: str, seed: int, time_scale: float,
                 semantics: str, stock: dict[str, int], startup: dict[str, Any],
                 clock: Clock | None = None) -> None:
        self.name = name
        self.clock: Clock = clock if clock is not None else LoopClock()
        self.api_key = api_key
        self.api_secret = api_secret
        self.time_scale = time_scale
        self.semantics = semantics
        self.startup_stock = dict(stock)
        self.behaviour = Behaviour(KNOBS, startup)
        self.ledger = Ledger("purchases", "codes", "transitions", "cancels")
        self.rng = Streams(seed)
        # Two wholesalers never share codes, even when a drill gives both one seed.
        self.codes = CodeMaker(f"{seed}/{name}")
        self.products: dict[str, Product] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.by_order_no: dict[str, dict[str, Any]] = {}
        self.issued_list: list[str] = []
        self.counter = 0
        # async fulfilment: order_no -> (its purchase ledger entry, the fulfilment timer)
        self.pending: dict[str, tuple[dict[str, Any], Any]] = {}
        self.reset()

    def reset(self) -> None:
        self.behaviour.reset()
        self.ledger.clear()
        self.rng.reset()
        self.codes.reset()
        self.products = make_products(self.startup_stock)
        self.orders.clear()
        self.by_order_no.clear()
        self.issued_list.clear()
        self.counter = 0
        for _entry, timer in self.pending.values():
            timer.cancel()
        self.pending.clear()

    def stats(self) -> dict[str, Any]:
        return {"name": self.name, "semantics": self.semantics, "orders": len(self.orders),
                "codes_issued": len(self.issued_list)}

    def wall_ms(self, scenario_ms: float) -> float:
        return scenario_ms / 1000.0 / self.time_scale

    def reported_stock(self, product: Product) -> int:
        if self.behaviour["sold_out"]:
            return 0
        desync: int = self.behaviour["desync"]
        return product.available + desync

    def product_view(self, product: Product) -> dict[str, Any]:
        qty = self.reported_stock(product)
        status = "out_of_stock" if qty <= 0 else "low_stock" if qty <= 20 else "in_stock"
        return {"id": product.sku, "sku_id": product.sku, "title": product.title,
                "price": product.price, "currency": "CNY", "stock_status": status,
                "stock_quantity": qty}

    def stock_view(self) -> dict[str, Any]:
        issued: dict[str, int] = {}
        for item in self.ledger.items("codes"):
            issued[item["sku"]] = issued.get(item["sku"], 0) + 1
        return {sku: {"available": p.available, "reported": self.reported_stock(p),
                      "issued": issued.get(sku, 0), "title": p.title, "price": p.price}
                for sku, p in self.products.items()}

    def set_stock(self, patch: dict[str, int]) -> None:
        for sku, count in patch.items():
            if sku in self.products:
                self.products[sku].available = count
            else:
                self.products.update(make_products({sku: count}))

    def next_order_no(self) -> str:
        self.counter += 1
        return f"UP{self.name[:1].upper()}{self.counter:09d}"

    def issue(self, product: Product, n: int, dno: str, order_no: str) -> list[str]:
        """n fresh keys out of already-reserved stock, each in the codes ledger."""
        now = self.clock.now()
        codes = [self.codes.make(product.fmt) for _ in range(n)]
        for code in codes:
            self.ledger.add("codes", {"code": code, "sku": product.sku, "downstream_order_no": dno,
                                      "order_no": order_no, "at": now, "duplicate": False})
        self.issued_list.extend(codes)
        return codes

    def commit(self, product: Product, quantity: int, dno: str) -> dict[str, Any]:
        """Consume stock, issue keys (one maybe a re-issued duplicate), record the order."""
        order_no = self.next_order_no()
        now = self.clock.now()
        codes = [self.codes.make(product.fmt) for _ in range(quantity)]
        product.available -= quantity
        dup_index = -1
        if self.issued_list and self.rng.chance("chaos", self.behaviour["duplicate_codes"]):
            dup_index = self.rng("chaos").randrange(quantity)
            product.available += 1  # the re-issued key did not come out of stock
            self.codes.issued.discard(codes[dup_index])
            codes[dup_index] = self.rng("chaos").choice(self.issued_list)
        for i, code in enumerate(codes):
            self.ledger.add("codes", {"code": code, "sku": product.sku, "downstream_order_no": dno,
                                      "order_no": order_no, "at": now,
                                      "duplicate": i == dup_index})
            if i != dup_index:
                self.issued_list.append(code)
        order = {"order_no": order_no, "downstream_order_no": dno, "sku_id": product.sku,
                 "quantity": quantity, "status": "delivered",
                 "amount": amount_of(product, quantity),
                 "created_at": now,
                 "fulfillment": {"type": "auto", "status": "delivered", "payload": codes,
                                 "delivered_at": now}}
        self.orders[dno] = order
        self.by_order_no[order_no] = order
        return order


def amount_of(product: Product, quantity: int) -> str:
    return f"{float(product.price) * quantity:.2f}"
