"""The supplier's open API, auth, idempotency in both semantics, ledgers and determinism."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from fakes.supplier.auth import sign_headers
from tests.fakes._clients import buy, ledger, signed

ORDERS = "/api/v1/upstream/orders"


def _get(base: str, path: str) -> httpx.Response:
    with httpx.Client(base_url=base) as client:
        return client.request(**signed("GET", path))


def test_products_ping_and_one_product(primary: str) -> None:
    items = _get(primary, "/api/v1/upstream/products").json()["data"]["items"]
    assert {i["sku_id"]: i["stock_quantity"] for i in items} == {
        "apple-100": 1000, "steam-50": 1000, "game-30": 1000}
    assert all(i["stock_status"] == "in_stock" for i in items)
    with httpx.Client(base_url=primary) as client:
        ping = client.request(**signed("POST", "/api/v1/upstream/ping")).json()
    assert ping["ok"] and ping["data"]["currency"] == "CNY"
    assert _get(primary, "/api/v1/upstream/products/steam-50").json()["data"]["price"] == "50.00"
    missing = _get(primary, "/api/v1/upstream/products/nope")
    assert missing.status_code == 404 and missing.json()["error_code"] == "product_not_found"


def test_purchase_delivers_keys_in_real_formats(primary: str) -> None:
    steam = buy(primary, "F-1", "steam-50", 2).json()["data"]
    apple = buy(primary, "F-2", "apple-100").json()["data"]
    game = buy(primary, "F-3", "game-30").json()["data"]
    assert steam["status"] == "delivered" and steam["downstream_order_no"] == "F-1"
    for code in steam["fulfillment"]["payload"]:
        assert len(code) == 17 and code[5] == code[11] == "-"
    code = apple["fulfillment"]["payload"][0]
    assert len(code) == 16 and code.startswith("X")
    number, _, password = game["fulfillment"]["payload"][0].partition(":")
    assert number.replace(" ", "").isdigit() and len(password) == 10
    stock = httpx.get(primary + "/_fake/stock").json()["stock"]
    assert stock["steam-50"]["available"] == 998 and stock["steam-50"]["issued"] == 2


def test_auth_failures_are_401_and_recorded(primary: str) -> None:
    body = {"sku_id": "apple-100", "quantity": 1, "downstream_order_no": "A-1"}
    unsigned = httpx.post(primary + ORDERS, json=body)
    assert unsigned.status_code == 401 and unsigned.json()["error_code"] == "unauthorized"
    forged = signed("POST", ORDERS, body, secret="wrong")
    with httpx.Client(base_url=primary) as client:
        bad = client.request(**forged)
        tampered = signed("POST", ORDERS, body)
        tampered["content"] = tampered["content"].replace(b"1,", b"9,")
        changed = client.request(**tampered)
        stale = signed("POST", ORDERS, body)
        stale["headers"]["Dujiao-Next-Timestamp"] = "1700000000"
        old = client.request(**stale)
    assert bad.json()["error_message"] == "signature mismatch"
    assert changed.json()["error_message"] == "signature mismatch"
    assert old.status_code == 401 and "server time" in old.json()["error_message"]
    assert [p["outcome"] for p in ledger(primary, "purchases")] == ["unauthorized"] * 4
    assert ledger(primary, "codes") == []


def test_bad_bodies_are_400_never_a_crash(primary: str) -> None:
    cases: list[Any] = [None, [],
                        {"sku_id": "apple-100", "quantity": 0, "downstream_order_no": "x"},
                        {"sku_id": "apple-100", "quantity": "2", "downstream_order_no": "x"},
                        {"sku_id": "apple-100", "quantity": 1}]
    with httpx.Client(base_url=primary) as client:
        for body in cases:
            resp = client.request(**signed("POST", ORDERS, body))
            assert resp.status_code == 400 and resp.json()["error_code"] == "bad_request"
        garbage = b"{not json"
        headers = sign_headers("k", "s", "POST", ORDERS, garbage)
        assert client.post(ORDERS, content=garbage, headers=headers).status_code == 400
    unknown = buy(primary, "U-1", "nope")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "product_not_found"
    too_many = buy(primary, "U-2", "apple-100", 1000)
    assert too_many.status_code == 200
    empty = buy(primary, "U-3", "apple-100", 1)
    assert empty.status_code == 409 and empty.json()["error_code"] == "insufficient_stock"


def test_order_queries(primary: str) -> None:
    order = buy(primary, "Q-1").json()["data"]
    by_dno = _get(primary, f"{ORDERS}/by-downstream/Q-1").json()["data"]
    by_no = _get(primary, f"{ORDERS}/{order['order_no']}").json()["data"]
    assert by_dno == by_no == order
    missing = _get(primary, f"{ORDERS}/by-downstream/none")
    assert missing.status_code == 404 and missing.json()["error_code"] == "order_not_found"


async def _storm(base: str, dno: str, n: int = 100) -> list[httpx.Response]:
    body = {"sku_id": "apple-100", "quantity": 2, "downstream_order_no": dno}
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=20) as client:
        return list(await asyncio.gather(*[client.request(**signed("POST", ORDERS, body))
                                           for _ in range(n)]))


def test_replay_semantics_under_100_concurrent_duplicates(primary: str) -> None:
    replies = asyncio.run(_storm(primary, "DUP-1"))
    assert {r.status_code for r in replies} == {200}
    payloads = {json.dumps(r.json()["data"]["fulfillment"]["payload"]) for r in replies}
    assert len(payloads) == 1
    purchases = ledger(primary, "purchases")
    assert sorted(p["outcome"] for p in purchases) == ["delivered"] + ["replayed"] * 99
    assert sum(p["replayed"] for p in purchases) == 99
    assert len(ledger(primary, "codes")) == 2
    assert httpx.get(primary + "/_fake/stock").json()["stock"]["apple-100"]["available"] == 998


def test_reject_semantics_under_100_concurrent_duplicates(backup: str) -> None:
    replies = asyncio.run(_storm(backup, "DUP-2"))
    ok = [r for r in replies if r.status_code == 200]
    rejected = [r for r in replies if r.status_code == 409]
    assert len(ok) == 1 and len(rejected) == 99
    assert {r.json()["error_code"] for r in rejected} == {"duplicate_request"}
    outcomes = sorted(p["outcome"] for p in ledger(backup, "purchases"))
    assert outcomes == ["delivered"] + ["duplicate_rejected"] * 99
    assert len(ledger(backup, "codes")) == 2


def test_same_seed_same_keys_after_reset(primary: str, backup: str) -> None:
    first = buy(primary, "S-1").json()["data"]["fulfillment"]["payload"]
    httpx.post(primary + "/_fake/reset").raise_for_status()
    again = buy(primary, "S-1").json()["data"]["fulfillment"]["payload"]
    other_supplier_same_seed = buy(backup, "S-1").json()["data"]["fulfillment"]["payload"]
    assert first == again
    # Two wholesalers never hand out the same codes, even when given one seed.
    assert set(first).isdisjoint(other_supplier_same_seed)


def test_ledgers_are_complete(primary: str) -> None:
    for i in range(30):
        buy(primary, f"LC-{i % 20}", "game-30")
    purchases = ledger(primary, "purchases")
    assert len(purchases) == 30
    assert sum(p["outcome"] == "delivered" for p in purchases) == 20
    codes = ledger(primary, "codes")
    issued = [c for p in purchases if p["outcome"] == "delivered" for c in p["codes"]]
    assert sorted(c["code"] for c in codes) == sorted(issued) and len(set(issued)) == 20
    assert {c["downstream_order_no"] for c in codes} == {f"LC-{i}" for i in range(20)}
