"""The reference delivery service (delivery/) as a target, over its HTTP API only.

Routes are those of docs/CONTRACTS.md §1. Products come from the service's config
file, so `setup_catalogue` verifies them and imports their codes; the channels
(gateway, suppliers, alert robots, mail) are set through `POST /admin/channels`
(delivery/api/channels.py), which the shop also writes back into that file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from drill.targets._abilities import Ability, PayShape, Snoop
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpClient
from drill.targets._reference_channels import channel_lines, channels_body
from drill.targets._steps import (
    AdminOrder,
    CatalogueItem,
    Order,
    OrderState,
    OrderStatus,
    PaymentStart,
    Product,
    StepFailed,
    StepUnknown,
    refuse,
)

STATES = {"pending_payment": OrderState.PENDING, "paid": OrderState.PAID,
          "review": OrderState.HELD, "manual": OrderState.HELD,
          "delivered": OrderState.DELIVERED, "expired": OrderState.CLOSED,
          "refund_needed": OrderState.CLOSED, "refunded": OrderState.CLOSED,
          "rejected": OrderState.CLOSED}


def _dict(reply_json: Any, step: str) -> dict[str, Any]:
    if not isinstance(reply_json, dict):
        raise StepUnknown(step, f"expected a JSON object, got {str(reply_json)[:80]!r}")
    return reply_json


class ReferenceAdapter(TargetAdapter):
    """faka-drill's reference shop: every ability, over its buyer and admin HTTP API."""

    name: ClassVar[str] = "reference"
    title: ClassVar[str] = "faka-drill reference delivery service (python -m delivery)"
    abilities: ClassVar[frozenset[Ability]] = frozenset(Ability)
    snoops: ClassVar[frozenset[Snoop]] = frozenset(Snoop)   # per-order tokens, a Bearer admin
    admin_probe_routes: ClassVar[tuple[str, ...]] = ("/admin/orders", "/admin/alerts",
                                                     "/admin/channels")
    pay_shape: ClassVar[PayShape] = PayShape.BROWSER_FORM
    notify_path: ClassVar[str] = "/notify/epay"
    options: ClassVar[Mapping[str, str]] = {
        "admin_token": "Bearer token of the admin API (config admin_token; default drill-admin)"}

    @property
    def _admin(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.opts.get("admin_token", "drill-admin")}

    # -- setup ---------------------------------------------------------------------------
    def setup_channels(self, http: HttpClient) -> list[str]:
        """POST the world into /admin/channels and read back what the shop now uses."""
        r = http.get(self.url("/admin/channels"), headers=self._admin)
        if r.status != 200:
            raise refuse("setup_channels", r, "GET /admin/channels")
        body = channels_body(self.world, has_smtp=_dict(r.json(), "setup_channels")
                             .get("smtp") is not None)
        r = http.post(self.url("/admin/channels"), headers=self._admin, json=body)
        if r.status != 200:
            raise refuse("setup_channels", r, "POST /admin/channels")
        return channel_lines(body, _dict(r.json(), "setup_channels"))

    def setup_catalogue(self, http: HttpClient, items: Sequence[CatalogueItem]) -> list[Product]:
        listed = {p.id: p for p in self.list_products(http)}
        for item in items:
            have = listed.get(item.id)
            if have is None or have.price != item.price:
                raise StepFailed("setup_catalogue", f"product {item.id!r} at {item.price} is not "
                                 "in the service's config (products are configured there)")
            if item.codes:
                self.import_cards(http, item.id, item.codes)
        return self.list_products(http)

    def import_cards(self, http: HttpClient, product_id: str, codes: Sequence[str]) -> int:
        r = http.post(self.url("/admin/stock/import"), headers=self._admin,
                      json={"product_id": product_id, "codes": list(codes)})
        if r.status != 200:
            raise refuse("import_cards", r)
        return int(_dict(r.json(), "import_cards").get("imported", 0))

    # -- buyer ---------------------------------------------------------------------------
    def list_products(self, http: HttpClient) -> list[Product]:
        r = http.get(self.url("/api/products"), name="list_products")
        data = r.json() if r.status == 200 else None
        if not isinstance(data, list):
            raise refuse("list_products", r)
        return [Product(str(p["id"]), str(p["name"]), Decimal(str(p["price"])),
                        p.get("stock_available")) for p in data if isinstance(p, dict)]

    def stock(self, http: HttpClient, product_id: str) -> int:
        for p in self.list_products(http):
            if p.id == product_id:
                if p.stock is None:
                    raise StepFailed("stock", f"{product_id!r} is supplier stock: no count")
                return p.stock
        raise StepFailed("stock", f"no product {product_id!r} in GET /api/products")

    def create_order(self, http: HttpClient, product_id: str, quantity: int, contact: str,
                     *, buyer_ip: str | None = None) -> Order:
        headers = {"X-Buyer-IP": buyer_ip} if buyer_ip else {}
        r = http.post(self.url("/api/orders"), name="create_order", headers=headers,
                      json={"product_id": product_id, "quantity": quantity, "contact": contact})
        body = r.json() if r.status == 201 else None
        if not isinstance(body, dict) or "order_no" not in body:
            raise refuse("create_order", r)
        return Order(str(body["order_no"]), product_id, quantity, Decimal(str(body["amount"])),
                     secret=str(body.get("token", "")),
                     extra={"pay_url": body.get("pay_url"), "pay_params": body.get("pay_params")})

    def start_payment(self, http: HttpClient, order: Order) -> PaymentStart:
        params = order.extra.get("pay_params")
        url = order.extra.get("pay_url")
        if not isinstance(params, dict) or not isinstance(url, str):
            raise StepFailed("start_payment", "the order reply carried no pay_url/pay_params")
        return PaymentStart(order.order_no, PayShape.BROWSER_FORM, url,
                            {str(k): str(v) for k, v in params.items()})

    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        r = http.get(self.url(f"/api/orders/{order.order_no}"),
                     params={"token": order.secret or ""}, name="/api/orders/[no]")
        if r.status != 200:
            raise refuse("poll_status", r)
        d = _dict(r.json(), "poll_status")
        raw = str(d.get("status", ""))
        cards = d.get("cards")
        return OrderStatus(order.order_no, STATES.get(raw, OrderState.UNKNOWN), raw,
                           tuple(str(c) for c in cards) if isinstance(cards, list) else None,
                           d.get("paid_at"), d.get("delivered_at"))

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        r = http.get(self.url(f"/api/orders/{order.order_no}/cards"),
                     params={"token": order.secret or ""}, name="/api/orders/[no]/cards")
        if r.status != 200:
            raise refuse("read_cards", r)
        cards = _dict(r.json(), "read_cards").get("cards")
        if not isinstance(cards, list):
            raise StepUnknown("read_cards", "the reply has no cards list")
        return tuple(str(c) for c in cards)

    # -- admin ---------------------------------------------------------------------------
    def admin_orders(self, http: HttpClient, status: str | None = None) -> list[AdminOrder]:
        r = http.get(self.url("/admin/orders"), headers=self._admin,
                     params={"status": status} if status else {})
        if r.status != 200:
            raise refuse("admin_orders", r)
        rows = _dict(r.json(), "admin_orders").get("orders", [])
        return [AdminOrder(str(o["order_no"]), str(o["status"]), o) for o in rows]

    def admin_deliver(self, http: HttpClient, order_no: str) -> tuple[str, ...]:
        r = http.post(self.url(f"/admin/orders/{order_no}/deliver"), headers=self._admin)
        if r.status != 200:
            raise refuse("admin_deliver", r)
        return tuple(str(c) for c in _dict(r.json(), "admin_deliver").get("cards", []))

    def admin_refund(self, http: HttpClient, order_no: str) -> str:
        r = http.post(self.url(f"/admin/orders/{order_no}/refund"), headers=self._admin)
        if r.status != 200:
            raise refuse("admin_refund", r)
        return str(_dict(r.json(), "admin_refund").get("status", ""))

    def export(self, http: HttpClient) -> Mapping[str, Any]:
        r = http.get(self.url("/admin/export"), headers=self._admin)
        if r.status != 200:
            raise refuse("export", r)
        return _dict(r.json(), "export")
