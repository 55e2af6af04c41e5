"""The kamiFaka adapter: its wire shapes with literal replies, and a live run when one is up.

The live tests drive a running kamiFaka named by FAKA_DRILL_KAMIFAKA_URL (a
staging copy you own: its 易支付支付宝 channel and web_url are rewritten to point
at a fake gateway started here), and are skipped with that reason otherwise.
kamiFaka's server parses submit.php's HTML reply, so the fake gateway must
answer submit.php like real epay (knob submit_reply=html); until it can, they
skip naming that too. Mind kamiFaka's per-IP limit of 10 orders a minute.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from drill.targets import (
    CatalogueItem,
    Gateway,
    HttpReply,
    HttpxClient,
    OrderState,
    PayShape,
    StepFailed,
    World,
    check_target,
)
from drill.targets.kamifaka import KamifakaAdapter, new_order_no
from runtime import ManagedProcess
from tests.drill.targets.conftest import KEY, PID, ROOT
from tests.drill.targets.scripted import Scripted

URL = os.environ.get("FAKA_DRILL_KAMIFAKA_URL", "").rstrip("/")
WORLD = World(Gateway(url="http://127.0.0.1:1", pid=PID, key=KEY))


def test_order_numbers_have_the_shape_kamifaka_accepts() -> None:
    numbers = {new_order_no() for _ in range(50)}
    assert len(numbers) == 50
    assert all(len(n) == 27 and n.startswith("Order_") and n[6:19].isdigit() for n in numbers)


def test_create_order_hands_out_the_pay_url_the_shop_got_from_submit_php() -> None:
    shop = KamifakaAdapter("http://127.0.0.1:3", WORLD)
    http = Scripted(HttpReply(200, '{"qr_code": "http://127.0.0.1:1/pay/T5", "redirect": 1}'))
    order = shop.create_order(http, "P1", 2, "b@example.com")
    sent = http.calls[0][2]
    assert sent["name"] == "P1" and sent["num"] == 2 and sent["out_order_id"] == order.order_no
    start = shop.start_payment(http, order)
    assert (start.shape, start.url) == (PayShape.SERVER_SUBMIT, "http://127.0.0.1:1/pay/T5")
    assert order.secret is None and order.amount is None


@pytest.mark.parametrize("reply", [HttpReply(400, "调用支付接口失败"), HttpReply(404, "参数丢失"),
                                   HttpReply(429, "Too Many Requests")])
def test_plain_text_refusals_are_failures(reply: HttpReply) -> None:
    with pytest.raises(StepFailed) as exc:
        KamifakaAdapter("http://127.0.0.1:3", WORLD).create_order(Scripted(reply), "P1", 1, "b")
    assert exc.value.status == reply.status


@pytest.mark.parametrize(("replies", "state", "cards"), [
    ([HttpReply(404, "订单丢失"), HttpReply(200, '{"msg": "not paid"}')], OrderState.PENDING, None),
    ([HttpReply(404, "订单丢失"), HttpReply(200, '{"msg": "success"}')], OrderState.PAID, None),
    ([HttpReply(200, '{"card": "K1,K2", "updatetime": "x"}')], OrderState.DELIVERED, ("K1", "K2")),
    ([HttpReply(200, '{"card": null, "updatetime": "x"}')], OrderState.CLOSED, None),
])
def test_poll_status_reads_cards_first_then_the_temp_order(
        replies: list[HttpReply], state: OrderState, cards: tuple[str, ...] | None) -> None:
    shop = KamifakaAdapter("http://127.0.0.1:3", WORLD)
    order = shop.create_order(Scripted(HttpReply(200, '{"qr_code": "u"}')), "P1", 1, "b")
    status = shop.poll_status(Scripted(*replies), order)
    assert (status.state, status.cards) == (state, cards)


def test_admin_orders_tells_paid_and_undelivered_from_handled() -> None:
    """A paid temp order stays `status: true` after delivery: only an order row says it ran."""
    temp = ('[{"out_order_id": "A", "status": true}, {"out_order_id": "B", "status": true}, '
            '{"out_order_id": "C", "status": false}]')
    http = Scripted(HttpReply(200, '{"access_token": "t"}'), HttpReply(200, temp),
                    HttpReply(200, "[]"), HttpReply(200, '[{"out_order_id": "A"}]'),
                    HttpReply(200, "[]"))
    orders = KamifakaAdapter("http://127.0.0.1:3", WORLD).admin_orders(http)
    assert {o.order_no: o.status for o in orders} == {"A": "done", "B": "paid",
                                                        "C": "pending_payment"}
    assert [c[1].rsplit("/", 1)[1] for c in http.calls] == [
        "login", "get_tmp_orders", "get_tmp_orders", "get_orders", "get_orders"]


def test_clear_unsold_retires_the_unsold_keys_of_an_existing_product() -> None:
    listed = '{"shops2": [{"prod_id": 7, "name": "P1", "price": 2.5}]}'
    cards = ('[{"id": 1, "prod_name": "P1", "isused": false}, {"id": 2, "prod_name": "P1", '
             '"isused": true}, {"id": 3, "prod_name": "P2", "isused": false}]')
    http = Scripted(HttpReply(200, listed), HttpReply(200, '{"access_token": "t"}'),
                    HttpReply(200, cards), HttpReply(200, "[]"), HttpReply(200, "批量删除"),
                    HttpReply(200, "修改成功"), HttpReply(200, listed))
    item = CatalogueItem("P1", "P1", Decimal("2.50"), ("K1", "K2"))
    shop = KamifakaAdapter("http://127.0.0.1:3", WORLD, {"clear_unsold": "1"})
    shop.setup_catalogue(http, [item])
    sent = {c[1].rsplit("/", 1)[1]: c[2] for c in http.calls}
    assert sent["remove_cards"] == {"ids": [1]}
    assert sent["update_card"]["card"] in ("K1\nK2", "K2\nK1")
    keep = Scripted(HttpReply(200, listed), HttpReply(200, '{"access_token": "t"}'),
                    HttpReply(200, "修改成功"), HttpReply(200, listed))
    KamifakaAdapter("http://127.0.0.1:3", WORLD).setup_catalogue(keep, [item])
    assert [c[1].rsplit("/", 1)[1] for c in keep.calls] == [
        "theme_list", "login", "update_card", "theme_list"]       # by default keys are kept


def test_a_kamifaka_drill_starts_the_gateway_answering_submit_php_with_html() -> None:
    from drill.scenario import load_scenario
    from drill.targets.conduct import with_adapter_gateway

    flaky = load_scenario("callback-flaky")
    knobs = with_adapter_gateway(flaky, "kamifaka").gateway.behaviour
    assert knobs == {**flaky.gateway.behaviour, "submit_reply": "html"}
    assert with_adapter_gateway(flaky, "reference") is flaky
    own = flaky.model_copy(update={"gateway": flaky.gateway.model_copy(
        update={"behaviour": {"submit_reply": "json"}})})   # the scenario's own knob wins
    assert with_adapter_gateway(own, "kamifaka").gateway.behaviour == {"submit_reply": "json"}


# -- live, against a running kamiFaka ------------------------------------------------------
live = pytest.mark.skipif(not URL, reason="FAKA_DRILL_KAMIFAKA_URL names no running kamiFaka")


@pytest.fixture(scope="module")
def html_gateway() -> Iterator[ManagedProcess]:
    argv = [sys.executable, "-m", "fakes.payment", "--port", "0", "--pid", PID, "--key", KEY,
            "--time-scale", "600"]
    with ManagedProcess("gateway", argv, cwd=ROOT) as gw:
        r = httpx.put(f"{gw.url}/_fake/behaviour", json={"submit_reply": "html"})
        if r.status_code != 200:
            pytest.skip("the fake gateway cannot answer submit.php with real epay's HTML "
                        f"redirect yet (PUT submit_reply=html: {r.status_code}); kamiFaka "
                        "needs it — see docs/targets/kamifaka.md")
        yield gw


def _shop_and_item(gateway: ManagedProcess, *, keys: int
                   ) -> tuple[World, KamifakaAdapter, CatalogueItem]:
    """The running kamiFaka, the world pointing at `gateway`, and a fresh product of `keys`."""
    world = World(Gateway(url=gateway.url, pid=PID, key=KEY, public_url=gateway.url),
                  shop_url_for_gateway=URL)
    name = f"DRILL-{uuid.uuid4().hex[:6]}"
    item = CatalogueItem(name, name, Decimal("2.50"),
                         tuple(f"KF-{uuid.uuid4().hex[:8]}-{i}" for i in range(keys)))
    return world, KamifakaAdapter(URL, world), item


@live
def test_check_target_against_a_running_kamifaka(html_gateway: ManagedProcess) -> None:
    world, shop, item = _shop_and_item(html_gateway, keys=3)
    with HttpxClient(timeout_s=15) as http:
        assert len(shop.setup_channels(http)) == 2
        report = check_target(shop, world, product=item, http=http)
        verdicts = {p.name: p.verdict for p in report.probes}
        assert verdicts["purchase"] == "pass", report.render()
        assert verdicts["stock_count"] == "pass", report.render()
        # kamiFaka has no order secret: the order number alone reads the cards
        assert verdicts["wrong_token"] == "fail", report.render()
        done = shop.admin_orders(http, "done")      # delivered: its order row exists
        assert report.probe("purchase").evidence["order_no"] in {o.order_no for o in done}


@live
def test_snoopers_read_cards_by_order_number_alone(html_gateway: ManagedProcess) -> None:
    """kamiFaka's known finding, from the snooper's recorded ops as `access` judges them."""
    from drill.checks.access import leak
    from drill.targets import NO_SECRET, run_adapter_snooper
    from tests.drill.targets.test_snoop import Ops

    world, shop, item = _shop_and_item(html_gateway, keys=1)
    with HttpxClient(timeout_s=15) as http:
        report = check_target(shop, world, product=item, http=http)
        assert report.probe("purchase").verdict == "pass", report.render()
        no = str(report.probe("purchase").evidence["order_no"])
        ops = Ops()
        run_adapter_snooper(shop, http, ops, "snooper-1", [(no, NO_SECRET)],
                            random.Random(5))
    done = ops.done()
    leaks = [o for o in done if leak(o, dict.fromkeys(item.codes, no)) is not None]
    assert {o["value"]["how"] for o in leaks} == {"no_token"}, done
    assert all(o["type"] != "ok" for o in done if o["f"] == "snoop_admin"), done
