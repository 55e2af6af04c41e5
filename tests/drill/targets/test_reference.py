"""The reference adapter against a real reference service, a real gateway payment and notify."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from drill.targets import (
    Ability,
    HttpxClient,
    OrderState,
    OrderStatus,
    PayShape,
    StepFailed,
    pay_at_gateway,
)
from drill.targets.reference import ReferenceAdapter
from tests.drill.targets.conftest import PRODUCT, ROOT, Shop, probe_item
from tests.waiting import wait_until


def test_one_purchase_end_to_end_through_the_adapter_steps(shop: Shop, http: HttpxClient
                                                           ) -> None:
    shop_ = ReferenceAdapter(shop.url, shop.world)
    item = probe_item(2)
    products = shop_.setup_catalogue(http, [item])
    assert [(p.id, p.price, p.stock) for p in products] == [(PRODUCT, Decimal("50.00"), 2)]

    order = shop_.create_order(http, PRODUCT, 1, "buyer@example.com")
    assert order.amount == Decimal("50.00") and order.secret
    assert shop_.poll_status(http, order).state is OrderState.PENDING
    start = shop_.start_payment(http, order)
    assert start.shape is PayShape.BROWSER_FORM and start.url.endswith("/submit.php")
    assert start.fields["notify_url"] == shop.world.shop_url_for_gateway + "/notify/epay"

    trade_no = pay_at_gateway(http, shop.world.gateway, start)  # the gateway then notifies
    def delivered() -> OrderStatus | None:
        s = shop_.poll_status(http, order)
        return s if s.state is OrderState.DELIVERED else None

    status = wait_until(delivered, timeout=20, what="order delivered")
    assert status is not None
    cards = shop_.read_cards(http, order)
    assert len(cards) == 1 and cards[0] in item.codes and status.cards == cards
    assert shop_.stock(http, PRODUCT) == 1
    export = shop_.export(http)
    assert [p["trade_no"] for p in export["payments"]] == [trade_no]


def test_admin_views_and_refusals_are_typed(shop: Shop, http: HttpxClient) -> None:
    shop_ = ReferenceAdapter(shop.url, shop.world)
    shop_.import_cards(http, PRODUCT, probe_item(1).codes)
    order = shop_.create_order(http, PRODUCT, 1, "b@example.com")
    pending = shop_.admin_orders(http, "pending_payment")
    assert [o.order_no for o in pending] == [order.order_no]
    with pytest.raises(StepFailed) as refused:  # not delivered yet: a definite no (409)
        shop_.read_cards(http, order)
    assert refused.value.status == 409 and refused.value.op_type == "fail"
    with pytest.raises(StepFailed):
        shop_.admin_refund(http, order.order_no)  # pending orders cannot be refunded
    with pytest.raises(StepFailed) as wrong:
        ReferenceAdapter(shop.url, shop.world, {"admin_token": "nope"}).admin_orders(http)
    assert wrong.value.status == 401


def test_a_stopped_shop_gives_unknown_not_failure(shop: Shop, http: HttpxClient) -> None:
    shop_ = ReferenceAdapter(shop.url, shop.world)
    shop.proc.stop()
    with pytest.raises(Exception) as exc:
        shop_.create_order(http, PRODUCT, 1, "b@example.com")
    assert getattr(exc.value, "op_type", None) == "info"


def test_every_ability_is_declared() -> None:
    assert ReferenceAdapter.abilities == frozenset(Ability) and not ReferenceAdapter.reasons


def test_the_same_adapter_runs_inside_locust_users(shop: Shop, http: HttpxClient) -> None:
    """SessionClient over Locust's FastHttpSession, in a subprocess (Locust patches gevent)."""
    codes = probe_item(2).codes
    ReferenceAdapter(shop.url, shop.world).import_cards(http, PRODUCT, codes)
    gw = shop.world.gateway
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_locust_buyers.py")), "--shop", shop.url,
         "--gateway", gw.url, "--pid", gw.pid, "--key", gw.key, "--product", PRODUCT,
         "--target", "reference", "--orders", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    cards = [r.get("cards") for r in data["results"]]
    assert sorted(cards) == sorted(codes), data  # each buyer got one imported key
    assert data["requests"] >= 2 * 4  # create, submit, pay, poll(s) (+ cards unless the poll
    # already carried them): counted by Locust
