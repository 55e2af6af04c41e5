"""Snooper probes through an adapter's steps (drill/targets/_snoop.py), against a real
reference shop: refused as they must be by a sound shop, seen as leaks by the access
check's own rule on a shop that shows cards by order number (the bug zoo's kamiFaka
twin), and only the probes an adapter declares are tried."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from drill.checks.access import leak
from drill.targets import (
    NO_SECRET,
    HttpxClient,
    Order,
    OrderState,
    Snoop,
    pay_at_gateway,
    run_adapter_snooper,
)
from drill.targets._snoop import attempts
from drill.targets.kamifaka import KamifakaAdapter
from drill.targets.reference import ReferenceAdapter
from runtime import ManagedProcess
from tests.drill.targets.canned import WORLD
from tests.drill.targets.conftest import PRODUCT, Shop, probe_item, start_shop
from tests.waiting import wait_until


class Ops:
    """A history writer that keeps the ops (OpRecorder's `op` shape)."""

    def __init__(self) -> None:
        self.ops: list[dict[str, Any]] = []

    def op(self, process: str, type_: str, f: str, value: dict[str, Any],
           at: float | None = None) -> None:
        self.ops.append({"process": process, "type": type_, "f": f, "value": value})

    def done(self) -> list[dict[str, Any]]:
        return [o for o in self.ops if o["type"] != "invoke"]


def delivered(adapter: ReferenceAdapter, http: HttpxClient, n: int) -> list[tuple[str, str]]:
    """`n` paid and delivered orders: the snooper's victims (number, secret)."""
    adapter.import_cards(http, PRODUCT, probe_item(n).codes)
    out = []
    for _ in range(n):
        order = adapter.create_order(http, PRODUCT, 1, "victim@example.com")
        pay_at_gateway(http, adapter.world.gateway, adapter.start_payment(http, order))
        wait_until(lambda o=order: adapter.poll_status(http, o).state  # type: ignore[misc]
                   is OrderState.DELIVERED, timeout=20, what="delivered")
        out.append((order.order_no, order.secret or ""))
    return out


def test_a_sound_shop_refuses_every_declared_probe(shop: Shop, http: HttpxClient) -> None:
    adapter = ReferenceAdapter(shop.url, shop.world)
    victims = delivered(adapter, http, 2)
    ops = Ops()
    made = run_adapter_snooper(adapter, http, ops, "snooper-1", victims, random.Random(3))
    done = ops.done()
    assert made == len(done) == 10                    # 2 + 1 + 1 + 1 + 1 + 3 admin + 1
    assert {o["value"]["how"] for o in done} == {s.value for s in Snoop}
    assert all(o["type"] == "fail" for o in done), done
    admin = [o for o in done if o["f"] == "snoop_admin"]
    assert {o["value"]["status"] for o in admin} == {401}
    cards = next(o for o in done if o["value"]["how"] == "wrong_token")
    assert cards["value"]["route"] == "GET /api/orders/{order_no}/cards"
    assert all(leak(o, {}) is None for o in done)
    assert all(o["value"].get("excerpt") for o in done)   # every refusal's body is kept
    assert not any("tokens_echoed" in o["value"] for o in done)


class _Leaky(ReferenceAdapter):
    """The reference adapter, on a shop that shows cards to anyone naming the order."""

    snoops: ClassVar[frozenset[Snoop]] = frozenset({Snoop.NO_TOKEN, Snoop.WRONG_TOKEN})


@pytest.fixture
def defective_shop(request: pytest.FixtureRequest, tmp_path: Path, gateway: ManagedProcess,
                   toxiproxy: ManagedProcess) -> Iterator[Shop]:
    """A reference shop with the bug-zoo defect the test names (indirect parameter)."""
    s = start_shop(tmp_path, gateway, toxiproxy, env={"FAKA_DRILL_ALLOW_DEFECTS": "1"},
                   defects=[request.param])
    try:
        yield s
    finally:
        s.proc.stop()


@pytest.mark.parametrize("defective_shop", ["cards-by-order-no"], indirect=True)
def test_cards_shown_by_order_number_are_leaks_in_the_recorded_ops(
        defective_shop: Shop, http: HttpxClient) -> None:
    adapter = _Leaky(defective_shop.url, defective_shop.world)
    (no, secret), = delivered(adapter, http, 1)
    mine = adapter.read_cards(http, Order(no, PRODUCT, 1, None, secret))   # the owner's read
    ops = Ops()
    run_adapter_snooper(adapter, http, ops, "snooper-1", [(no, secret)], random.Random(1))
    seen = [(o["f"], o["value"]["how"], o["type"], o["value"].get("cards")) for o in ops.done()]
    assert seen == [("snoop_order", "no_token", "ok", list(mine)),   # its status page leaks
                    ("snoop_cards", "no_token", "fail", None),
                    ("snoop_cards", "wrong_token", "fail", None)]
    whys = [leak(o, dict.fromkeys(mine, no)) for o in ops.done()]
    assert whys[0] is not None and f"cards of order {no}" in whys[0] and whys[1:] == [None] * 2


def test_only_declared_probes_are_tried() -> None:
    kami = KamifakaAdapter("http://127.0.0.1:1", WORLD)
    got = list(attempts(kami, [("Order_1a", NO_SECRET), ("Order_1b", NO_SECRET)],
                        random.Random(2)))
    assert {a.how for a in got} == set(KamifakaAdapter.snoops)
    assert all(a.secret is None for a in got if a.f != "snoop_admin")   # no secret to forge
    assert [a.route for a in got if a.f == "snoop_admin"] == [
        *KamifakaAdapter.admin_probe_routes, KamifakaAdapter.admin_probe_routes[0]]
    assert got[0].order_no == "Order_1b"               # the newest victim is aimed at


def test_an_adapter_declaring_none_makes_no_attempt() -> None:
    class Quiet(ReferenceAdapter):
        snoops: ClassVar[frozenset[Snoop]] = frozenset()

    ops = Ops()
    with HttpxClient() as http:
        made = run_adapter_snooper(Quiet("http://127.0.0.1:1", WORLD), http, ops, "s",
                                   [("A1", "t")], random.Random(0))
    assert made == 0 and ops.ops == []


@pytest.mark.parametrize("defective_shop", ["error-echoes-order"], indirect=True)
def test_a_refusal_that_dumps_the_order_is_a_leak_through_the_adapter_too(
        defective_shop: Shop, http: HttpxClient) -> None:
    adapter = _Leaky(defective_shop.url, defective_shop.world)
    (no, secret), = delivered(adapter, http, 1)
    mine = adapter.read_cards(http, Order(no, PRODUCT, 1, None, secret))
    ops = Ops()
    run_adapter_snooper(adapter, http, ops, "snooper-1", [(no, secret)], random.Random(1))
    refused = [o for o in ops.done() if o["type"] == "fail"]
    assert refused and all(o["value"].get("excerpt") for o in refused)
    whys = [leak(o, dict.fromkeys(mine, no)) for o in refused]
    assert any(w is not None for w in whys), [o["value"] for o in refused]
