"""Asynchronous fulfilment on a manual clock: accepted -> processing -> delivered,
partially delivered or cancelled, "not found" while processing, the shop's cancel; and
the ledger that tells the oracle all of it (asked and given, every state change)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fakes._common import ManualClock
from fakes.supplier import SupplierState, make_app, sign_headers
from tests.fakes._inprocess import AppThread

PREFIX = "/api/v1/upstream"


class Shop:
    """A signed client on a manual clock (the fake checks timestamps against its clock)."""

    def __init__(self, app: AppThread, clock: ManualClock, state: SupplierState) -> None:
        self.app, self.clock, self.state = app, clock, state

    def call(self, method: str, path: str, body: Any = None) -> Any:
        raw = json.dumps(body).encode() if body is not None else b""
        headers = sign_headers("k", "s", method, path, raw, ts=int(self.clock.now()))
        return self.app.request(method, path, content=raw or None,
                                headers={**headers, "content-type": "application/json"})

    def buy(self, qty: int, dno: str = "D1") -> Any:
        return self.call("POST", f"{PREFIX}/orders",
                         {"sku_id": "apple-100", "quantity": qty, "downstream_order_no": dno})

    def ledger(self, kind: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.app.get(f"/_fake/ledger?kind={kind}").json()["items"]
        return items

    def available(self) -> int:
        return self.state.products["apple-100"].available


def _shop(behaviour: dict[str, Any]) -> Iterator[Shop]:
    clock = ManualClock()
    state = SupplierState("primary", "k", "s", 7, 1.0, "replay", {"apple-100": 10},
                          {"async_rate": 1.0, "processing_s": 10.0, **behaviour}, clock=clock)
    with AppThread(make_app(state)) as app:
        yield Shop(app, clock, state)


@pytest.fixture
def shop(request: pytest.FixtureRequest) -> Iterator[Shop]:
    yield from _shop(getattr(request, "param", {}))


def test_accepted_then_delivered_after_processing(shop: Shop) -> None:
    first = shop.buy(3).json()["data"]
    assert first["status"] == "processing" and first["fulfillment"]["payload"] == []
    assert shop.available() == 7, "stock is reserved at acceptance"
    looked = shop.call("GET", f"{PREFIX}/orders/by-downstream/D1").json()["data"]
    assert looked["status"] == "processing"
    shop.clock.advance(9.9)
    assert shop.state.by_order_no[first["order_no"]]["status"] == "processing"
    shop.clock.advance(0.2)
    done = shop.call("GET", f"{PREFIX}/orders/{first['order_no']}").json()["data"]
    assert done["status"] == "delivered" and len(set(done["fulfillment"]["payload"])) == 3
    [entry] = shop.ledger("purchases")
    assert (entry["outcome"], entry["quantity"], entry["given"]) == ("accepted", 3, 3)
    assert entry["codes"] == done["fulfillment"]["payload"] and entry["status"] == "delivered"
    assert [(t["from"], t["to"]) for t in shop.ledger("transitions")] == [
        ("accepted", "processing"), ("processing", "delivered")]
    assert sorted(c["code"] for c in shop.ledger("codes")) == sorted(entry["codes"])


@pytest.mark.parametrize("shop", [{"partial_rate": 1.0}], indirect=True)
def test_partial_fulfilment_gives_fewer_and_returns_the_rest(shop: Shop) -> None:
    order_no = shop.buy(4).json()["data"]["order_no"]
    shop.clock.advance(10.0)
    order = shop.state.by_order_no[order_no]
    given = len(order["fulfillment"]["payload"])
    assert order["status"] == "partially_delivered" and 1 <= given <= 3
    assert shop.available() == 10 - given
    [entry] = shop.ledger("purchases")
    assert (entry["quantity"], entry["given"], entry["status"]) == (4, given,
                                                                     "partially_delivered")


@pytest.mark.parametrize("shop", [{"cancel_rate": 1.0}], indirect=True)
def test_supplier_cancel_gives_nothing_and_returns_stock(shop: Shop) -> None:
    order_no = shop.buy(2).json()["data"]["order_no"]
    shop.clock.advance(10.0)
    assert shop.state.by_order_no[order_no]["status"] == "cancelled"
    assert shop.available() == 10
    [entry] = shop.ledger("purchases")
    assert (entry["given"], entry["codes"], entry["cancelled_by"]) == (0, [], "supplier")


@pytest.mark.parametrize("shop", [{"not_found_while_processing": 1.0}], indirect=True)
def test_not_found_while_processing_then_found(shop: Shop) -> None:
    order_no = shop.buy(1).json()["data"]["order_no"]
    for path in (f"{PREFIX}/orders/by-downstream/D1", f"{PREFIX}/orders/{order_no}"):
        resp = shop.call("GET", path)
        assert resp.status_code == 404 and resp.json()["error_code"] == "order_not_found"
    shop.clock.advance(10.0)
    found = shop.call("GET", f"{PREFIX}/orders/by-downstream/D1")
    assert found.status_code == 200 and found.json()["data"]["status"] == "delivered"


def test_shop_cancel_only_while_processing(shop: Shop) -> None:
    order_no = shop.buy(2).json()["data"]["order_no"]
    resp = shop.call("POST", f"{PREFIX}/orders/{order_no}/cancel")
    assert resp.status_code == 200 and resp.json()["data"]["status"] == "cancelled"
    assert shop.available() == 10
    shop.clock.advance(20.0)  # the cancelled order's timer never fires
    assert shop.state.by_order_no[order_no]["status"] == "cancelled"
    again = shop.call("POST", f"{PREFIX}/orders/{order_no}/cancel")
    assert again.status_code == 409 and again.json()["error_code"] == "cancel_not_allowed"
    other = shop.buy(1, "D2").json()["data"]["order_no"]
    shop.clock.advance(10.0)
    late = shop.call("POST", f"{PREFIX}/orders/{other}/cancel")
    assert late.status_code == 409
    assert shop.call("POST", f"{PREFIX}/orders/NOPE/cancel").status_code == 404
    outcomes = [c["outcome"] for c in shop.ledger("cancels")]
    assert outcomes == ["cancelled", "cancel_not_allowed", "cancel_not_allowed", "not_found"]
    [cancelled, delivered] = shop.ledger("purchases")
    assert (cancelled["status"], cancelled["cancelled_by"], cancelled["given"]) == (
        "cancelled", "shop", 0)
    assert delivered["given"] == 1
