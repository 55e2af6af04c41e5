"""`check_target`'s verdicts from literal replies: shops that never deliver, leak or re-deliver."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from drill.targets import (
    Ability,
    HttpClient,
    HttpReply,
    Order,
    OrderState,
    Product,
    TargetAdapter,
    check_target,
)
from tests.drill.targets.canned import WORLD, CannedShop
from tests.drill.targets.scripted import Scripted

PAID = HttpReply(200, '{"status": "paid"}')
LEDGER = HttpReply(200, '{"items": [{"trade_no": "T1", "out_trade_no": "A1", "type": "alipay", '
                        '"name": "P", "money": "2.50"}], "next_offset": 1}')


def _run(shop: TargetAdapter, *replies: HttpReply) -> dict[str, tuple[str, str]]:
    report = check_target(shop, WORLD, http=Scripted(*replies), product=None,
                          sleep=lambda s: None)
    return {p.name: (p.verdict, p.en) for p in report.probes}


def test_a_shop_without_product_listing_and_no_product_given_is_unknown() -> None:
    got = _run(CannedShop("http://127.0.0.1:3", WORLD))
    assert got == {"purchase": ("unknown", "no product to buy: pass one with keys in stock")}


class Listed(CannedShop):
    abilities: ClassVar[frozenset[Ability]] = CannedShop.abilities | {Ability.LIST_PRODUCTS}

    def list_products(self, http: HttpClient) -> list[Product]:
        return [Product("P", "P", Decimal("2.50"), None)]


class NeverDelivers(Listed):
    state: ClassVar[OrderState] = OrderState.CLOSED


def test_a_paid_order_that_is_never_delivered_fails_and_the_rest_is_unknown() -> None:
    got = _run(NeverDelivers("http://127.0.0.1:3", WORLD), PAID)
    assert got["purchase"] == ("fail", "paid order A1 was not delivered (last status 'closed')")
    assert got["stock_count"][0] == "unknown" and "stock is a guess" in got["stock_count"][1]
    assert got["duplicate_notify"][0] == got["wrong_token"][0] == "unknown"


class Redelivers(Listed):
    """dujiaoka #328: every notify runs delivery again."""

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        self.deliveries.append((f"K{len(self.deliveries) + 1}",))
        return super().read_cards(http, order)


def test_a_shop_whose_cards_change_after_duplicate_notifies_fails() -> None:
    ack = HttpReply(200, "success")
    got = _run(Redelivers("http://127.0.0.1:3", WORLD), PAID, LEDGER, ack, ack, ack)
    assert got["purchase"][0] == "pass"
    assert got["duplicate_notify"][0] == "fail" and "changed the delivery" in got[
        "duplicate_notify"][1]


class Leaks(Listed):
    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        return self.deliveries[-1]  # never looks at the secret


def test_cards_read_with_a_forged_token_fail_the_wrong_token_probe() -> None:
    ack = HttpReply(200, "success")
    got = _run(Leaks("http://127.0.0.1:3", WORLD), PAID, LEDGER, ack, ack, ack)
    assert got["duplicate_notify"][0] == "pass"
    assert got["wrong_token"] == ("fail", "order A1 with a wrong token: read_cards gave ['K1']")
