"""Baiyuetribe/kamiFaka (Flask 发卡网) as a target: buyer API /api/v2, admin /api/v4 (JWT).

Protocol facts (read from its source, checked against a running copy):
- the buyer's browser picks the order number (``Order_`` + 13-digit ms + 8
  base36, 27 characters); the product is addressed by its *name*;
- ``POST /api/v2/get_pay_url`` stores a temp order and, server side, posts
  the signed epay form to ``{API}/submit.php``, parsing the HTML reply for
  ``<script>…href='URL'…</script>``: the buyer gets that URL (SERVER_SUBMIT);
- the gateway notifies ``GET {web_url}/notify/epay`` (a POSTed form is ignored);
- ``POST /api/v2/get_card`` returns the cards to anyone naming the order number;
- errors are plain-text bodies; per-IP rate limits (get_pay_url 10/min,
  check_pay_auto 40/min) answer 429.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import ClassVar

from drill.targets._abilities import Ability, PayShape, Snoop
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpClient
from drill.targets._kamifaka_admin import KamifakaAdmin
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
from drill.targets._world import World

_B36 = string.digits + string.ascii_lowercase
MANUAL = "手工发货，请主动联系客服"


def new_order_no() -> str:
    """An order number the way kamiFaka's SPA makes one (27 characters)."""
    ms = f"{int(time.time() * 1000):013d}"[-13:]
    return "Order_" + ms + "".join(secrets.choice(_B36) for _ in range(8))


class KamifakaAdapter(TargetAdapter):
    """kamiFaka @ 43152a4 (Baiyuetribe), 易支付 channel pointed at the fake gateway."""

    name: ClassVar[str] = "kamifaka"
    title: ClassVar[str] = "Baiyuetribe/kamiFaka (Flask) via its 易支付 channel"
    abilities: ClassVar[frozenset[Ability]] = frozenset({
        Ability.SETUP_CATALOGUE, Ability.IMPORT_CARDS, Ability.SETUP_CHANNELS,
        Ability.LIST_PRODUCTS, Ability.STOCK_COUNT, Ability.CREATE_ORDER,
        Ability.START_PAYMENT, Ability.POLL_STATUS, Ability.READ_CARDS, Ability.ADMIN_ORDERS})
    reasons: ClassVar[Mapping[Ability, str]] = {
        Ability.ORDER_SECRET: "kamiFaka has no per-order secret: POST /api/v2/get_card returns "
                              "the cards to whoever names the order number",
        Ability.ADMIN_DELIVER: "kamiFaka's admin API has no manual delivery",
        Ability.ADMIN_REFUND: "kamiFaka has no refund",
        Ability.EXPORT: "kamiFaka has no export (the admin lists orders 20 a page)"}
    # no per-order secret: the number alone is what a snooper tries (its known finding);
    # the admin API wants a JWT (GET /api/v4/get_pays holds the gateway's merchant key)
    snoops: ClassVar[frozenset[Snoop]] = frozenset({
        Snoop.NO_TOKEN, Snoop.NEIGHBOUR, Snoop.GUESSED, Snoop.ADMIN_NO_TOKEN,
        Snoop.ADMIN_WRONG_TOKEN})
    admin_probe_routes: ClassVar[tuple[str, ...]] = ("/api/v4/get_pays", "/api/v4/get_notice")
    pay_shape: ClassVar[PayShape] = PayShape.SERVER_SUBMIT
    notify_path: ClassVar[str] = "/notify/epay"
    notify_methods: ClassVar[frozenset[str]] = frozenset({"GET"})
    # its server parses submit.php's reply as real epay's HTML page (the fake gateway's knob)
    gateway_behaviour: ClassVar[Mapping[str, object]] = {"submit_reply": "html"}
    options: ClassVar[Mapping[str, str]] = {
        "admin_email": "back-office login (default admin@qq.com)",
        "admin_password": "back-office password (default 123456)",
        "payment": "payment channel name the buyer picks (default 易支付支付宝)",
        "category": "category of products created by setup (default 激活码)",
        "clear_unsold": "1: setup_catalogue first removes an existing product's unsold keys "
                        "(not inside a drill: its stock 'before' is read ahead of setup)",
    }

    def __init__(self, base_url: str, world: World,
                 options: Mapping[str, str] | None = None) -> None:
        super().__init__(base_url, world, options)
        self.payment = self.opts.get("payment", "易支付支付宝")
        self.admin = KamifakaAdmin(self.base_url, self.opts.get("admin_email", "admin@qq.com"),
                                   self.opts.get("admin_password", "123456"))

    # -- setup (admin API) ---------------------------------------------------------------
    def setup_catalogue(self, http: HttpClient, items: Sequence[CatalogueItem]) -> list[Product]:
        have = {p.id: p for p in self.list_products(http)}
        for item in items:
            if item.id not in have:
                self.admin.add_product(http, item.id, item.price,
                                       self.opts.get("category", "激活码"))
            elif have[item.id].price != item.price:
                raise StepFailed("setup_catalogue", f"product {item.id!r} exists at "
                                 f"{have[item.id].price}, not {item.price}; change it by hand")
            elif item.codes and self.opts.get("clear_unsold", "") in ("1", "true", "yes"):
                # opt-in: the harness counts earlier keys itself (stock.json `before`, read
                # before setup), so removing them is for a clean shop by hand, not for drills
                self.admin.remove_cards(http, self.admin.unsold_cards(http, item.id))
            if item.codes:
                self.import_cards(http, item.id, item.codes)
        return self.list_products(http)

    def import_cards(self, http: HttpClient, product_id: str, codes: Sequence[str]) -> int:
        self.admin.import_cards(http, product_id, codes)
        return len(set(codes))  # kamiFaka does not say how many were new; these were sent

    def setup_channels(self, http: HttpClient) -> list[str]:
        base = self.world.shop_url_for_gateway or self.base_url
        return self.admin.point_epay(http, self.payment, self.world.gateway, base)

    # -- buyer ---------------------------------------------------------------------------
    def list_products(self, http: HttpClient) -> list[Product]:
        r = http.get(self.url("/api/v2/theme_list"), name="list_products")
        data = r.json() if r.status == 200 else None
        if not isinstance(data, dict) or not isinstance(data.get("shops2"), list):
            raise refuse("list_products", r)
        return [Product(str(p["name"]), str(p["name"]), Decimal(str(p["price"])), None)
                for p in data["shops2"] if isinstance(p, dict)]

    def _prod_id(self, http: HttpClient, name: str) -> int:
        r = http.get(self.url("/api/v2/theme_list"), name="list_products")
        data = r.json() if r.status == 200 else None
        if not isinstance(data, dict):
            raise refuse("stock", r)
        for p in data.get("shops2", []):
            if isinstance(p, dict) and p.get("name") == name:
                return int(p["prod_id"])
        raise StepFailed("stock", f"no active product named {name!r} in /api/v2/theme_list")

    def stock(self, http: HttpClient, product_id: str) -> int:
        r = http.get(self.url(f"/api/v2/detail/{self._prod_id(http, product_id)}"),
                     name="/api/v2/detail/[id]")
        data = r.json() if r.status == 200 else None
        if not isinstance(data, dict):
            raise refuse("stock", r)
        if not isinstance(data.get("stock"), int):
            raise StepFailed("stock", f"stock of {product_id!r} is {data.get('stock')!r} "
                                      "(a reusable key counts as ∞)")
        return int(data["stock"])

    def create_order(self, http: HttpClient, product_id: str, quantity: int, contact: str,
                     *, buyer_ip: str | None = None) -> Order:
        order_no = new_order_no()
        r = http.post(self.url("/api/v2/get_pay_url"), name="create_order",
                      json={"out_order_id": order_no, "name": product_id,
                            "payment": self.payment, "contact": contact, "contact_txt": "",
                            "num": quantity})
        body = r.json() if r.status == 200 else None
        if not isinstance(body, dict) or not body.get("qr_code"):
            raise refuse("create_order", r)
        return Order(order_no, product_id, quantity, None, secret=None,
                     extra={"pay_url": str(body["qr_code"])})

    def start_payment(self, http: HttpClient, order: Order) -> PaymentStart:
        return PaymentStart(order.order_no, PayShape.SERVER_SUBMIT, str(order.extra["pay_url"]))

    def _card(self, http: HttpClient, order: Order, step: str) -> str | None:
        """The order row's card text (None: paid, no key); StepFailed 404 before delivery."""
        r = http.post(self.url("/api/v2/get_card"), json={"out_order_id": order.order_no},
                      name="/api/v2/get_card")
        body = r.json() if r.status == 200 else None
        if not isinstance(body, dict):
            raise refuse(step, r)
        card = body.get("card")
        return None if card is None else str(card)

    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        try:
            card = self._card(http, order, "poll_status")
        except StepFailed:
            return self._temp_status(http, order)
        if card is None:
            return OrderStatus(order.order_no, OrderState.CLOSED, "paid, no card (缺货)")
        if card == MANUAL:
            return OrderStatus(order.order_no, OrderState.HELD, card)
        return OrderStatus(order.order_no, OrderState.DELIVERED, "delivered",
                           tuple(c for c in card.split(",") if c))

    def _temp_status(self, http: HttpClient, order: Order) -> OrderStatus:
        r = http.post(self.url("/api/v2/check_pay_auto"), name="/api/v2/check_pay_auto",
                      json={"out_order_id": order.order_no, "payment": self.payment})
        body = r.json() if r.status == 200 else None
        if not isinstance(body, dict):
            raise refuse("poll_status", r)
        paid = body.get("msg") == "success"
        return OrderStatus(order.order_no, OrderState.PAID if paid else OrderState.PENDING,
                           str(body.get("msg")))

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        card = self._card(http, order, "read_cards")
        if card is None:
            raise StepFailed("read_cards", f"order {order.order_no} is paid but got no card "
                                           "(kamiFaka logged 缺货)")
        if card == MANUAL:
            raise StepFailed("read_cards", f"order {order.order_no} waits for manual delivery")
        return tuple(c for c in card.split(",") if c)

    # -- admin ---------------------------------------------------------------------------
    def admin_orders(self, http: HttpClient, status: str | None = None) -> list[AdminOrder]:
        """Temp orders as `pending_payment`, `paid` (paid, delivery not yet run: no order row)
        or `done` (an order row: delivered, or 缺货 without a key; the admin list does not
        say which). The newest 1000 of each list only (20 a page)."""
        rows = self.admin.temp_orders(http)
        done = self.admin.order_ids(http) if any(o.get("status") for o in rows) else set()
        orders = [AdminOrder(str(o["out_order_id"]), _admin_status(o, done), o) for o in rows]
        if status is None:
            return orders
        if status not in ADMIN_STATUSES:
            raise StepUnknown("admin_orders", f"kamiFaka knows only {', '.join(ADMIN_STATUSES)}"
                                              f", not {status!r}")
        return [o for o in orders if o.status == status]


ADMIN_STATUSES = ("pending_payment", "paid", "done")


def _admin_status(temp: Mapping[str, object], done: set[str]) -> str:
    if not temp.get("status"):
        return "pending_payment"
    return "done" if str(temp.get("out_order_id")) in done else "paid"
