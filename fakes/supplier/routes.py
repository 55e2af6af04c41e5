"""The supplier's read-only dujiao-next routes and its /_fake/stock control, module-level.

Every upstream call is authenticated, then suffers the configured latency and
injected errors (`gate`). State is ``request.app.state.supplier``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common import describe, json_error, read_body, read_json
from fakes.supplier import auth, chaos, fulfil
from fakes.supplier.chaos import err
from fakes.supplier.purchase import AUTH_HEADERS, MAX_DNO, purchase
from fakes.supplier.state import SupplierState

PREFIX = "/api/v1/upstream"
MAX_STOCK = 10**9


def _state(request: Request) -> SupplierState:
    state: SupplierState = request.app.state.supplier
    return state


async def gate(request: Request) -> Response | None:
    """Auth, then the latency and injected errors every upstream call suffers."""
    state = _state(request)
    body = await read_body(request)
    why = auth.check(request.headers, state.api_key, state.api_secret, request.method,
                     request.url.path, body, now=state.clock.now())
    if why:
        return err(401, "unauthorized", why)
    await chaos.latency(state)
    return chaos.injected_error(state)


@describe(headers=AUTH_HEADERS)
async def ping(request: Request) -> Response:
    """Balance and currency (dujiao-next POST /ping)."""
    denied = await gate(request)
    return denied or JSONResponse({"ok": True, "data": {"balance": "100000.00",
                                                        "currency": "CNY"}})


@describe(headers=AUTH_HEADERS)
async def products(request: Request) -> Response:
    """All SKUs with stock_status and stock_quantity (as reported, desync included)."""
    denied = await gate(request)
    if denied:
        return denied
    state = _state(request)
    items = [state.product_view(p) for p in state.products.values()]
    return JSONResponse({"ok": True, "data": {"items": items, "total": len(items),
                                              "page": 1, "page_size": len(items)}})


@describe(headers=AUTH_HEADERS)
async def product(request: Request) -> Response:
    """One SKU, or 404 product_not_found."""
    denied = await gate(request)
    if denied:
        return denied
    sku = request.path_params["sku"]
    p = _state(request).products.get(sku)
    if p is None:
        return err(404, "product_not_found", f"no sku {sku[:64]!r}")
    return JSONResponse({"ok": True, "data": _state(request).product_view(p)})


async def _order_reply(request: Request, orders: dict[str, dict[str, Any]], key: str,
                       missing: str) -> Response:
    """One order looked up in `orders` by the path's `key`, or 404 order_not_found."""
    denied = await gate(request)
    state = _state(request)
    order = orders.get(request.path_params[key])
    if denied or order is None or fulfil.hidden(state, order):
        return denied or err(404, "order_not_found", missing)
    return JSONResponse({"ok": True, "data": order})


@describe(headers=AUTH_HEADERS)
async def order_by_no(request: Request) -> Response:
    """An order by the supplier's order_no, or 404 order_not_found."""
    return await _order_reply(request, _state(request).by_order_no, "order_no",
                              "no such order")


@describe(headers=AUTH_HEADERS)
async def order_by_dno(request: Request) -> Response:
    """An order by downstream_order_no (the idempotency key), or 404 order_not_found."""
    return await _order_reply(request, _state(request).orders, "dno",
                              "no order for that downstream_order_no")


@describe(headers=AUTH_HEADERS)
async def cancel_order(request: Request) -> Response:
    """Cancel a processing order (stock back, no keys); 409 cancel_not_allowed once final."""
    denied = await gate(request)
    if denied:
        return denied
    status, body = fulfil.cancel(_state(request), request.path_params["order_no"])
    return JSONResponse(body, status_code=status)


async def get_stock(request: Request) -> Response:
    """Real and reported stock per SKU, and how many keys were issued."""
    return JSONResponse({"stock": _state(request).stock_view()})


@describe(body={"type": "object", "additionalProperties": {"type": "integer"}})
async def put_stock(request: Request) -> Response:
    """Set available units per SKU: {"apple-100": 500}; unknown SKUs are created."""
    patch = await read_json(request)
    if not isinstance(patch, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_STOCK
            and 0 < len(k) <= MAX_DNO for k, v in patch.items()):
        return json_error(f"stock must be a JSON object {{sku: int 0..{MAX_STOCK}}} with "
                          f"SKUs of 1..{MAX_DNO} chars", 400)
    _state(request).set_stock(patch)
    return JSONResponse({"stock": _state(request).stock_view()})


ROUTES: list[BaseRoute] = [
    Route(f"{PREFIX}/ping", ping, methods=["POST"]),
    Route(f"{PREFIX}/products", products, methods=["GET"]),
    Route(f"{PREFIX}/products/{{sku}}", product, methods=["GET"]),
    Route(f"{PREFIX}/orders", purchase, methods=["POST"]),
    Route(f"{PREFIX}/orders/by-downstream/{{dno}}", order_by_dno, methods=["GET"]),
    Route(f"{PREFIX}/orders/{{order_no}}", order_by_no, methods=["GET"]),
    Route(f"{PREFIX}/orders/{{order_no}}/cancel", cancel_order, methods=["POST"]),
    Route("/_fake/stock", get_stock, methods=["GET"]),
    Route("/_fake/stock", put_stock, methods=["PUT"]),
]
