"""The supplier in-process (httpx ASGITransport): purchase, replay, and every hostile
input answered with a 4xx, never a 500 (non-ASCII HMAC headers included)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from typing import Any

import pytest

from fakes.supplier import SupplierState, make_app, sign_headers
from fakes.supplier.auth import HEADER_KEY, HEADER_SIG, HEADER_TS
from fakes.supplier.chaos import draw_latency_ms
from tests.fakes._inprocess import AppThread

ORDERS = "/api/v1/upstream/orders"


@pytest.fixture
def client() -> Iterator[AppThread]:
    state = SupplierState("primary", "k", "s", 11, 1000.0, "replay", {"apple-100": 5}, {})
    with AppThread(make_app(state)) as app:
        yield app


def _buy(client: AppThread, body: Any, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> Any:
    """POST a purchase; header values go out as their UTF-8 bytes (non-ASCII included)."""
    content = json.dumps(body).encode() if raw is None else raw
    signed = sign_headers("k", "s", "POST", ORDERS, content) if headers is None else headers
    wire = {k: v.encode() for k, v in {**signed, "content-type": "application/json"}.items()}
    return client.post(ORDERS, content=content, headers=wire)


def test_purchase_and_replay(client: AppThread) -> None:
    body = {"sku_id": "apple-100", "quantity": 2, "downstream_order_no": "D1"}
    first = _buy(client, body).json()
    again = _buy(client, body).json()
    assert first["ok"] and len(first["data"]["fulfillment"]["payload"]) == 2
    assert again["data"] == first["data"]
    outcomes = [p["outcome"] for p in client.get("/_fake/ledger").json()["items"]]
    assert outcomes == ["delivered", "replayed"]


@pytest.mark.parametrize("header", [HEADER_KEY, HEADER_TS, HEADER_SIG])
def test_a_non_ascii_auth_header_is_a_401(client: AppThread, header: str) -> None:
    raw = b"{}"
    headers = sign_headers("k", "s", "POST", ORDERS, raw)
    headers[header] = "ключ-签名"
    resp = _buy(client, None, raw=raw, headers=headers)
    assert resp.status_code == 401 and resp.json()["error_code"] == "unauthorized"
    resp = client.get("/api/v1/upstream/products",
                      headers={k: v.encode() for k, v in headers.items()})
    assert resp.status_code == 401


@pytest.mark.parametrize("ts", ["9" * 5000, "١٢٣", "-1", "1e9"])
def test_odd_timestamps_are_a_401(client: AppThread, ts: str) -> None:
    headers = sign_headers("k", "s", "POST", ORDERS, b"{}")
    headers[HEADER_TS] = ts
    assert _buy(client, None, raw=b"{}", headers=headers).status_code == 401


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"quantity": NaN}', b"\xff\xfe\x00",
                                 b'{"sku_id": "apple-100", "quantity": 1, '
                                 b'"downstream_order_no": "\\ud800"}',
                                 b'{"sku_id": 1e999, "quantity": 1, "downstream_order_no": "x"}',
                                 b'{"sku_id": true, "quantity": 1, "downstream_order_no": "x"}'])
def test_hostile_purchase_bodies_are_a_400(client: AppThread, raw: bytes) -> None:
    resp = _buy(client, None, raw=raw)
    assert resp.status_code == 400 and resp.json()["error_code"] == "bad_request"
    assert client.get("/_fake/ledger").status_code == 200


def test_stock_control_is_bounded(client: AppThread) -> None:
    assert client.put("/_fake/stock", json={"x" * 5000: 1}).status_code == 400
    assert client.put("/_fake/stock", json={"apple-100": 10**30}).status_code == 400
    assert client.put("/_fake/stock", content=b"[" * 10_000).status_code == 400
    ok = client.put("/_fake/stock", json={"steam-" + "9" * 100: 3})
    assert ok.status_code == 200


def test_control_queries_are_bounded(client: AppThread) -> None:
    for params in ({"offset": "9" * 5000}, {"limit": "１"}, {"kind": "\x00" * 10}):
        resp = client.get("/_fake/ledger", params=params)
        assert resp.status_code == 400 and resp.json()["status"] == 400


@pytest.mark.parametrize(("dist", "low", "high"), [("fixed", 20.0, 20.0),
                                                   ("uniform", 20.0, 100.0),
                                                   ("exponential", 20.0, float("inf")),
                                                   ("normal", 0.0, float("inf"))])
def test_latency_draws_follow_the_distribution(dist: str, low: float, high: float) -> None:
    state = SupplierState("p", "k", "s", 11, 1.0, "replay", {}, {
        "latency_ms": 20.0, "latency_jitter_ms": 0.0 if dist == "fixed" else 80.0,
        "latency_dist": dist})
    draws = [draw_latency_ms(state) for _ in range(200)]
    assert all(low <= d <= high for d in draws)
    assert (statistics.pstdev(draws) == 0.0) == (dist == "fixed")
    state.reset()
    assert [draw_latency_ms(state) for _ in range(200)] == draws  # seeded
