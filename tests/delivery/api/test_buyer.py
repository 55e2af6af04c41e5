"""Buyer API in process: order, status, cards; every bad input is a 4xx JSON error."""

from __future__ import annotations

from pathlib import Path

from tests.delivery.bad_bodies import BAD_BODIES
from tests.delivery.inproc import shop
from tests.waiting import wait_until


def test_bad_order_bodies_are_4xx_json_errors(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-1", "K-2"])
        for what, body, status, needle in BAD_BODIES:
            r = s.client.post("/api/orders", content=body,
                              headers={"content-type": "application/json"})
            assert r.status_code == status, (what, r.text)
            doc = r.json()
            assert doc["status"] == status and needle in doc["error"], (what, doc)
        huge = b'{"product_id":"steam-50","quantity":1,"contact":"' + b"a" * 200_000 + b'"}'
        r = s.client.post("/api/orders", content=huge)
        assert r.status_code == 413 and r.json() == {
            "error": f"request body is {len(huge)} bytes; the limit is 65536", "status": 413}
        r = s.client.post("/api/orders", content=iter([b"[" * 40_000, b"1" * 40_000]))
        assert r.status_code == 413 and r.json() == {  # chunked: no Content-Length to check
            "error": "request body exceeds the limit of 65536 bytes", "status": 413}
        stock = s.admin("GET", "/admin/export").json()["stock"]
        assert stock[0]["available"] == 2  # nothing was reserved by the bad requests


def test_order_status_needs_its_token(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-1"])
        o = s.order()
        path = f"/api/orders/{o['order_no']}"
        for token in ("", "wrong", "令牌", "t" * 10_000):  # NUL: test_nul_characters_…
            r = s.client.get(path, params={"token": token})
            assert r.status_code == 404 and "token" in r.json()["error"], (token, r.text)
        assert s.client.get("/api/orders/x' OR '1'='1", params={"token": "t"}).status_code \
            == 404
        assert s.client.get("/api/orders/" + "9" * 5000, params={"token": "t"}).status_code \
            == 404
        r = s.client.get(path + "/cards", params={"token": o["token"]})
        assert r.status_code == 409 and "not delivered yet" in r.json()["error"]


def test_order_paid_is_delivered_and_its_card_read(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["CODE-ONE"])
        products = s.client.get("/api/products").json()
        assert {p["id"]: p["stock_available"] for p in products} == {"steam-50": 1,
                                                                       "apple-100": None}
        o = s.order()
        assert o["status"] == "pending_payment" and o["amount"] == "50.00"
        assert o["pay_params"]["out_trade_no"] == o["order_no"]
        assert s.pay(o).text == "success"
        done = wait_until(lambda: s.status(o)["delivered"] and s.status(o),
                          timeout=10, what="order delivered")
        assert done["cards"] == ["CODE-ONE"]
        r = s.client.get(f"/api/orders/{o['order_no']}/cards", params={"token": o["token"]})
        assert r.json() == {"order_no": o["order_no"], "cards": ["CODE-ONE"]}
        r = s.client.post("/api/orders", json={"product_id": "steam-50", "quantity": 1,
                                               "contact": "b@x.cn"})
        assert r.status_code == 409 and "out of stock" in r.json()["error"]


def test_unknown_path_and_method_are_json_errors(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        assert s.client.get("/nope").json()["status"] == 404
        r = s.client.delete("/api/orders")
        assert r.status_code == 405 and r.json()["status"] == 405
        assert s.client.get("/healthz").json()["role"] == "all"
        assert s.client.get("/openapi.json").json()["paths"]["/api/orders"]["post"]


def test_nul_characters_are_4xx_on_every_database(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL text cannot hold NUL: it must be refused before any statement runs."""
    with shop(tmp_path, db_url=db_url) as s:
        s.import_keys(["K-1"])
        r = s.client.post("/api/orders", json={"product_id": "steam-50", "quantity": 1,
                                               "contact": "a\x00b"})
        assert r.status_code == 422 and "NUL" in r.json()["error"]
        r = s.admin("POST", "/admin/stock/import", json={"product_id": "steam-50",
                                                         "codes": ["ok", "x\x00"]})
        assert r.status_code == 422 and "codes.1" in r.json()["error"]
        for url in ("/api/orders/a%00b?token=t", "/api/orders/x?token=%00",
                    "/admin/orders?status=paid%00", "/notify/epay?trade_no=%00"):
            r = s.admin("GET", url)
            assert r.status_code == 400 and "NUL" in r.json()["error"], url
        r = s.client.post("/notify/epay", content=b"trade_no=T%00&out_trade_no=1&money=1&sign=x",
                          headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400 and r.text == "fail: NUL character in ['trade_no']"
        assert s.admin("GET", "/admin/export").json()["orders"] == []
