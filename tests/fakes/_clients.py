"""Small client helpers the fake tests share (signing requests, reading ledgers).

Waiting for an outcome is `tests.waiting.wait_until` with `at_least` as the check."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from fakes.payment import epay
from fakes.supplier.auth import sign_headers
from tests.waiting import wait_until

PID, KEY = "1001", "merchantkey"


def create_fields(out_trade_no: str, notify_url: str, money: str = "50.00",
                  **extra: str) -> dict[str, str]:
    fields = {"pid": PID, "type": "alipay", "out_trade_no": out_trade_no,
              "notify_url": notify_url, "return_url": "http://127.0.0.1/return",
              "name": "Steam 50", "money": money, **extra}
    fields["sign"] = epay.sign(fields, KEY)
    fields["sign_type"] = "MD5"
    return fields


def create_and_pay(gateway: str, out_trade_no: str, notify_url: str,
                   money: str = "50.00") -> str:
    created = httpx.post(gateway + "/mapi.php", data=create_fields(out_trade_no, notify_url,
                                                                   money)).json()
    assert created["code"] == 1, created
    paid = httpx.post(f"{gateway}/pay/{created['trade_no']}").json()
    assert paid["status"] == "paid"
    return str(created["trade_no"])


def ledger(url: str, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = httpx.get(url + "/_fake/ledger", params={"kind": kind, "offset": offset,
                                                        "limit": 5000}).json()
        items.extend(page["items"])
        offset = page["next_offset"]
    return items


def behave(url: str, **knobs: Any) -> dict[str, Any]:
    resp = httpx.put(url + "/_fake/behaviour", json=knobs)
    assert resp.status_code == 200, resp.text
    return dict(resp.json()["behaviour"])


def at_least(fetch: Callable[[], list[Any]], n: int) -> Callable[[], list[Any]]:
    """A `wait_until` check: the fetched list once it holds at least `n` items (else [])."""
    def check() -> list[Any]:
        items = fetch()
        return items if len(items) >= n else []
    return check


def arrived(merchant: str, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The notifies at the test merchant once at least `n` arrived."""
    got: list[dict[str, Any]] = wait_until(at_least(lambda: received(merchant), n),
                                           timeout=timeout, what=f"{n} notifies at the merchant")
    return got


def received(merchant: str) -> list[dict[str, Any]]:
    return list(httpx.get(merchant + "/_m/received").json())


def signed(method: str, path: str, body: Any = None, key: str = "k",
           secret: str = "s") -> dict[str, Any]:
    """kwargs for httpx.request: a dujiao-next signed call."""
    raw = b"" if body is None else json.dumps(body).encode()
    headers = sign_headers(key, secret, method, path, raw)
    headers["content-type"] = "application/json"
    return {"method": method, "url": path, "content": raw, "headers": headers}


def buy(base: str, dno: str, sku: str = "apple-100", quantity: int = 1,
        timeout: float = 5.0) -> httpx.Response:
    body = {"sku_id": sku, "quantity": quantity, "downstream_order_no": dno}
    with httpx.Client(base_url=base, timeout=timeout) as client:
        return client.request(**signed("POST", "/api/v1/upstream/orders", body))
