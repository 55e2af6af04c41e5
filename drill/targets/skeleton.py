"""Skeleton target adapter: copy it, rename it, then make each step speak your shop's API.

Written by `python3 harness.py target new NAME`. As shipped it drives the
reference shop (faka-drill's `python -m delivery`), so
`python3 harness.py target check NAME --url URL` passes against a reference
service before you change a line: change one step at a time and re-run it.

Rules of the protocol (docs/targets/README.md):
- Declare in `abilities` only what you implemented; say why the rest is
  missing in `reasons` (checks then answer *unknown* with that reason).
- Use only the `http` client you are given (get/post -> HttpReply): the same
  code then runs inside Locust and in the conductor.
- Return a typed result when the step happened. Raise `refuse(step, reply)`
  for a reply that is not success: it is a `StepFailed` ("fail", it did not
  happen) for 4xx and a `StepUnknown` ("info", nobody knows) for a timeout
  or a 5xx. Never turn an unclear answer into a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

from drill.targets import (
    Ability,
    HttpClient,
    Order,
    OrderState,
    OrderStatus,
    PaymentStart,
    PayShape,
    Product,
    Snoop,
    StepFailed,
    TargetAdapter,
    refuse,
)


class SkeletonAdapter(TargetAdapter):
    """TODO: one line on the shop this adapter drives."""

    name: ClassVar[str] = "skeleton"
    title: ClassVar[str] = "TODO: shop name and version"
    # TODO: list what you implemented. Admin views and setup are optional.
    abilities: ClassVar[frozenset[Ability]] = frozenset({
        Ability.LIST_PRODUCTS, Ability.STOCK_COUNT, Ability.CREATE_ORDER,
        Ability.START_PAYMENT, Ability.POLL_STATUS, Ability.READ_CARDS, Ability.ORDER_SECRET})
    reasons: ClassVar[Mapping[Ability, str]] = {
        Ability.SETUP_CATALOGUE: "TODO: create products in the back office by hand",
        Ability.SETUP_CHANNELS: "TODO: point the epay channel at the world's gateway by hand"}
    # TODO: the snooper probes that make sense for your shop (drill/targets/_snoop.py runs
    # them through the steps below, on orders the snooper does not own). Without a per-order
    # secret drop WRONG_TOKEN and OTHER_TOKEN; list admin GET routes that must refuse strangers.
    snoops: ClassVar[frozenset[Snoop]] = frozenset({
        Snoop.NO_TOKEN, Snoop.WRONG_TOKEN, Snoop.OTHER_TOKEN, Snoop.NEIGHBOUR, Snoop.GUESSED,
        Snoop.ADMIN_NO_TOKEN, Snoop.ADMIN_WRONG_TOKEN})
    admin_probe_routes: ClassVar[tuple[str, ...]] = ("/admin/orders",)  # TODO: your admin GETs
    # TODO: BROWSER_FORM if the buyer posts a signed form to submit.php (as here);
    # SERVER_SUBMIT if your server calls submit.php/mapi.php and returns a pay URL.
    pay_shape: ClassVar[PayShape] = PayShape.BROWSER_FORM
    notify_path: ClassVar[str] = "/notify/epay"  # TODO: your notify route; may use {order_no}

    def list_products(self, http: HttpClient) -> list[Product]:
        # TODO: your product list route and field names.
        r = http.get(self.url("/api/products"), name="list_products")
        rows = r.json() if r.status == 200 else None
        if not isinstance(rows, list):
            raise refuse("list_products", r)
        return [Product(str(p["id"]), str(p["name"]), Decimal(str(p["price"])),
                        p.get("stock_available")) for p in rows]

    def stock(self, http: HttpClient, product_id: str) -> int:
        # TODO: where your shop shows the exact number of unsold keys.
        for p in self.list_products(http):
            if p.id == product_id and p.stock is not None:
                return p.stock
        raise StepFailed("stock", f"no stock count for {product_id!r}")

    def create_order(self, http: HttpClient, product_id: str, quantity: int, contact: str,
                     *, buyer_ip: str | None = None) -> Order:
        # TODO: your order route; keep what later steps need in `secret` and `extra`.
        r = http.post(self.url("/api/orders"), name="create_order",
                      json={"product_id": product_id, "quantity": quantity, "contact": contact})
        body = r.json() if r.status == 201 else None
        if not isinstance(body, dict):
            raise refuse("create_order", r)
        return Order(str(body["order_no"]), product_id, quantity, Decimal(str(body["amount"])),
                     secret=str(body["token"]),
                     extra={"pay_url": body["pay_url"], "pay_params": body["pay_params"]})

    def start_payment(self, http: HttpClient, order: Order) -> PaymentStart:
        # TODO: the signed form (BROWSER_FORM) or the pay URL your server got (SERVER_SUBMIT).
        fields = {str(k): str(v) for k, v in dict(order.extra["pay_params"]).items()}
        return PaymentStart(order.order_no, self.pay_shape, str(order.extra["pay_url"]), fields)

    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        # TODO: your status route and the words your shop uses for each state.
        r = http.get(self.url(f"/api/orders/{order.order_no}"),
                     params={"token": order.secret or ""}, name="/api/orders/[no]")
        body = r.json() if r.status == 200 else None
        if not isinstance(body, dict):
            raise refuse("poll_status", r)
        raw = str(body.get("status"))
        state = {"pending_payment": OrderState.PENDING, "paid": OrderState.PAID,
                 "delivered": OrderState.DELIVERED}.get(raw, OrderState.UNKNOWN)
        return OrderStatus(order.order_no, state, raw)

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        # TODO: where the buyer reads the delivered card keys.
        r = http.get(self.url(f"/api/orders/{order.order_no}/cards"),
                     params={"token": order.secret or ""}, name="/api/orders/[no]/cards")
        body = r.json() if r.status == 200 else None
        if not isinstance(body, dict):
            raise refuse("read_cards", r)
        return tuple(str(c) for c in body["cards"])
