"""`buyer_flow`: the adapter-driven purchase writes the ops the oracle already reads."""

from __future__ import annotations

from typing import Any, ClassVar

from drill.targets import (
    Buy,
    HttpClient,
    HttpReply,
    HttpxClient,
    Order,
    OrderState,
    OrderStatus,
    StepUnknown,
    buyer_flow,
)
from drill.targets.reference import ReferenceAdapter
from tests.drill.targets.canned import WORLD, CannedShop
from tests.drill.targets.conftest import PRODUCT, Shop, probe_item
from tests.drill.targets.scripted import Scripted

Op = tuple[str, str, dict[str, Any]]


class History:
    def __init__(self) -> None:
        self.ops: list[Op] = []

    def __call__(self, type_: str, f: str, value: dict[str, Any],
                 at: float | None = None) -> None:
        self.ops.append((type_, f, value))

    def shape(self) -> list[tuple[str, str]]:
        return [(t, f) for t, f, _ in self.ops]


def test_a_purchase_against_the_reference_shop(shop: Shop, http: HttpxClient) -> None:
    shop_ = ReferenceAdapter(shop.url, shop.world)
    item = probe_item(1)
    shop_.import_cards(http, PRODUCT, item.codes)
    history = History()
    out = buyer_flow(shop_, http, shop.world.gateway, Buy(PRODUCT, 1, "b@example.com",
                     intended_at=1.5), history)
    assert history.shape() == [
        ("invoke", "create_order"), ("ok", "create_order"), ("invoke", "pay"), ("ok", "pay"),
        ("invoke", "await_delivery"), ("ok", "await_delivery"), ("invoke", "fetch_card"),
        ("ok", "fetch_card")]
    assert history.ops[0][2] == {"product_id": PRODUCT, "intended_at": 1.5}
    assert history.ops[-1][2] == {"order_no": out.order_no, "cards": list(item.codes)}
    assert out.delivered_at is not None and out.paid_seen_at is not None


class Stalls(CannedShop):
    state: ClassVar[OrderState] = OrderState.PENDING


class Flaky(CannedShop):
    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        raise StepUnknown("poll_status", "HTTP 0: timed out", status=0)


def test_a_shop_that_never_delivers_ends_in_info_after_the_poll_budget() -> None:
    for shop in (Stalls("http://127.0.0.1:3", WORLD), Flaky("http://127.0.0.1:3", WORLD)):
        history = History()
        buyer_flow(shop, Scripted(HttpReply(200, "{}")), WORLD.gateway,
                   Buy("P", 1, "b", poll_timeout_s=0.05, poll_interval_s=0.01), history,
                   sleep=lambda s: None)
        assert history.shape()[-1] == ("info", "await_delivery")
        assert history.ops[-1][2]["polls"] >= 1


def test_closed_orders_fail_and_refused_payments_are_failures() -> None:
    class Closed(CannedShop):
        state: ClassVar[OrderState] = OrderState.CLOSED

    history = History()
    buyer_flow(Closed("http://127.0.0.1:3", WORLD), Scripted(HttpReply(200, "{}")),
               WORLD.gateway, Buy("P", 1, "b"), history)
    assert history.shape()[-1] == ("fail", "await_delivery")
    history = History()
    buyer_flow(CannedShop("http://127.0.0.1:3", WORLD), Scripted(HttpReply(404, "no such")),
               WORLD.gateway, Buy("P", 1, "b"), history)
    assert history.shape()[-1] == ("fail", "pay")
    assert history.ops[-1][2]["status"] == 404


def test_an_unreachable_shop_is_an_unknown_create() -> None:
    history = History()
    out = buyer_flow(ReferenceAdapter("http://127.0.0.1:9", WORLD),
                     Scripted(HttpReply(0, error="ConnectError")), WORLD.gateway,
                     Buy("P", 1, "b"), history)
    assert history.shape() == [("invoke", "create_order"), ("info", "create_order")]
    assert out.order_no is None
