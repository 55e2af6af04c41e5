"""A shop without HTTP of its own, for in-process tests of checks and flows."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

from drill.targets import (
    Ability,
    Gateway,
    HttpClient,
    Order,
    OrderState,
    OrderStatus,
    PaymentStart,
    PayShape,
    StepFailed,
    TargetAdapter,
    World,
)

WORLD = World(Gateway(url="http://127.0.0.1:1", pid="1001", key="k"))


class CannedShop(TargetAdapter):
    """A shop without HTTP of its own: every answer is canned; subclasses bend one."""

    name: ClassVar[str] = "canned"
    abilities: ClassVar[frozenset[Ability]] = frozenset({
        Ability.CREATE_ORDER, Ability.START_PAYMENT, Ability.POLL_STATUS, Ability.READ_CARDS,
        Ability.ORDER_SECRET})
    reasons: ClassVar[Mapping[Ability, str]] = {Ability.STOCK_COUNT: "stock is a guess"}
    state: ClassVar[OrderState] = OrderState.DELIVERED
    deliveries: list[tuple[str, ...]]

    def create_order(self, http: HttpClient, product_id: str, quantity: int, contact: str,
                     *, buyer_ip: str | None = None) -> Order:
        self.deliveries = [("K1",)]
        return Order("A1", product_id, quantity, Decimal("2.50"), secret="s3cret")

    def start_payment(self, http: HttpClient, order: Order) -> PaymentStart:
        return PaymentStart(order.order_no, PayShape.SERVER_SUBMIT, "http://127.0.0.1:1/pay/T1")

    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        return OrderStatus(order.order_no, self.state, self.state.value)

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        if order.secret != "s3cret":
            raise StepFailed("read_cards", "wrong token", status=404)
        return self.deliveries[-1]
