"""Catalogue reads as ops, and the one final read the conductor takes after the settle."""

import httpx

from drill.history import Op
from drill.load.catalogue import catalogue_value, outcome, record_final_catalogue

# The reference shop's GET /api/products reply (delivery/api/buyer.py), literally.
PRODUCTS = [{"id": "steam-50", "name": "Steam Wallet 50", "price": "50.00", "kind": "local",
             "stock_available": 37},
            {"id": "apple-100", "name": "App Store 100", "price": "100.00", "kind": "supplier",
             "stock_available": None}]


def test_value_keeps_id_price_and_stock() -> None:
    assert catalogue_value(PRODUCTS, final=False) == {"final": False, "products": [
        {"id": "steam-50", "price": "50.00", "stock_available": 37},
        {"id": "apple-100", "price": "100.00", "stock_available": None}]}
    assert catalogue_value({"products": PRODUCTS[:1]}, final=True)["products"][0]["id"] == \
        "steam-50"
    assert catalogue_value({"error": "x"}, final=True) is None


def test_outcome_types() -> None:
    assert outcome(200, b"not json", final=True)[0] == "info"
    assert outcome(404, b'{"error": "no"}', final=False) == (
        "fail", {"final": False, "status": 404, "error": 'HTTP 404: {"error": "no"}'})
    assert outcome(0, b"", final=True)[0] == "info"
    assert outcome(503, b"busy", final=True)[0] == "info"


def test_final_read_records_invoke_and_ok() -> None:
    seen: list[Op] = []
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json=PRODUCTS)
                                    if req.url.path == "/api/products" else httpx.Response(404))
    done = record_final_catalogue("http://127.0.0.1:9/", seen.append, transport=transport)
    assert [(o.process, o.type, o.f) for o in seen] == [
        ("catalogue", "invoke", "list_products"), ("catalogue", "ok", "list_products")]
    assert done is seen[1] and done.value["final"] is True
    assert done.value["products"][0] == {"id": "steam-50", "price": "50.00",
                                         "stock_available": 37}


def test_final_read_of_a_dead_shop_is_info() -> None:
    seen: list[Op] = []

    def refuse(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=req)

    done = record_final_catalogue("http://127.0.0.1:9", seen.append,
                                  transport=httpx.MockTransport(refuse))
    assert done.type == "info" and "ConnectError" in done.value["error"]
    assert len(seen) == 2
