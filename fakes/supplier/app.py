"""The supplier's HTTP face: dujiao-next open API under /api/v1/upstream, plus /_fake.

Order of a purchase, so the ledger can tell the oracle exactly what happened:
auth -> validation -> latency -> injected HTTP error -> idempotency (replay or
reject) -> stock -> pre-commit failures (ok:false, 402, HTML page) -> commit ->
post-commit failures (truncated JSON, held or dropped reply) -> normal reply.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common import build_app, control_routes, json_error, read_json
from fakes.supplier import auth, chaos
from fakes.supplier.chaos import err
from fakes.supplier.state import SupplierState

PREFIX = "/api/v1/upstream"
MAX_QUANTITY = 1000


def make_routes(state: SupplierState) -> list[BaseRoute]:
    async def authed(request: Request) -> tuple[bytes, Response | None]:
        body = await request.body()
        why = auth.check(request.headers, state.api_key, state.api_secret, request.method,
                         request.url.path, body)
        return body, (err(401, "unauthorized", why) if why else None)

    async def gate(request: Request) -> tuple[bytes, Response | None]:
        """Auth, then the latency and injected errors every upstream call suffers."""
        body, denied = await authed(request)
        if denied:
            return body, denied
        await chaos.latency(state)
        return body, chaos.injected_error(state)

    async def ping(request: Request) -> Response:
        """Balance and currency (dujiao-next POST /ping)."""
        _, denied = await gate(request)
        return denied or JSONResponse({"ok": True, "data": {"balance": "100000.00",
                                                            "currency": "CNY"}})

    async def products(request: Request) -> Response:
        """All SKUs with stock_status and stock_quantity (as reported, desync included)."""
        _, denied = await gate(request)
        items = [state.product_view(p) for p in state.products.values()]
        return denied or JSONResponse({"ok": True, "data": {"items": items, "total": len(items),
                                                            "page": 1, "page_size": len(items)}})

    async def product(request: Request) -> Response:
        """One SKU, or 404 product_not_found."""
        _, denied = await gate(request)
        if denied:
            return denied
        p = state.products.get(request.path_params["sku"])
        if p is None:
            return err(404, "product_not_found", f"no sku {request.path_params['sku']!r}")
        return JSONResponse({"ok": True, "data": state.product_view(p)})

    def record(req: dict[str, Any], at: float, outcome: str, status: int | None,
               codes: list[str] | None = None, replayed: bool = False,
               order_no: str | None = None) -> None:
        state.ledger.add("purchases", {
            "downstream_order_no": req.get("downstream_order_no"), "sku": req.get("sku_id"),
            "quantity": req.get("quantity"), "at": at, "outcome": outcome, "codes": codes or [],
            "http_status": status, "replayed": replayed, "order_no": order_no})

    async def purchase(request: Request) -> Response:
        """Buy keys: {sku_id, quantity, downstream_order_no}; idempotent per downstream_order_no."""
        at = time.time()
        body, denied = await authed(request)
        req: dict[str, Any] = {}
        try:
            parsed = json.loads(body) if body else None
            if isinstance(parsed, dict):
                req = parsed
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed = None
        if denied:
            record(req, at, "unauthorized", 401)
            return denied
        problem = _validate(parsed)
        if problem:
            record(req, at, "bad_request", 400)
            return err(400, "bad_request", problem)
        b, chance = state.behaviour, state.rng.chance
        await chaos.latency(state)
        injected = chaos.injected_error(state)
        if injected is not None:
            record(req, at, f"error_{injected.status_code}", injected.status_code)
            return injected
        dno, qty = req["downstream_order_no"], req["quantity"]
        existing = state.orders.get(dno)
        if existing is not None:
            if state.semantics == "replay":
                record(req, at, "replayed", 200, existing["fulfillment"]["payload"], True,
                       existing["order_no"])
                return JSONResponse({"ok": True, "data": existing})
            record(req, at, "duplicate_rejected", 409, order_no=existing["order_no"])
            return err(409, "duplicate_request", "The request ID already exists")
        product = state.products.get(str(req["sku_id"]))
        if product is None:
            record(req, at, "product_not_found", 404)
            return err(404, "product_not_found", f"no sku {req['sku_id']!r}")
        if b["sold_out"] or product.available < qty:
            record(req, at, "insufficient_stock", 409)
            return err(409, "insufficient_stock",
                       f"sku {product.sku} has {state.reported_stock(product)} left, wanted {qty}")
        if chance("chaos", b["ok_false"]):
            record(req, at, "ok_false", 200)
            return JSONResponse({"ok": False, "error_code": "payment_failed",
                                 "error_message": "wallet payment failed, order cancelled"})
        if chance("chaos", b["insufficient_balance"]):
            record(req, at, "insufficient_balance", 402)
            return err(402, "insufficient_balance", "wallet balance too low")
        kind = None
        if b["malformed_kinds"] and chance("chaos", b["malformed"]):
            kind = state.rng("chaos").choice(b["malformed_kinds"])
        if kind == "html":
            record(req, at, "malformed_html", 200)
            return chaos.html_page()
        if b["race_window_ms"] > 0:
            await asyncio.sleep(state.wall_ms(b["race_window_ms"]))
            if product.available < qty:
                record(req, at, "insufficient_stock", 409)
                return err(409, "insufficient_stock", f"sku {product.sku} ran out")
        order = state.commit(product, qty, dno)
        codes = order["fulfillment"]["payload"]
        if kind == "truncated":
            record(req, at, "malformed_truncated", 200, codes, order_no=order["order_no"])
            return chaos.truncated(order)
        if chance("chaos", b["commit_then_timeout"]):
            mode = b["commit_timeout_mode"]
            record(req, at, f"commit_{mode}", 200 if mode == "hold" else None, codes,
                   order_no=order["order_no"])
            return await chaos.drop_or_hold(state, request.scope, order)
        record(req, at, "delivered", 200, codes, order_no=order["order_no"])
        return Response(chaos.ok_body(order), media_type="application/json")

    async def order_by_no(request: Request) -> Response:
        """An order by the supplier's order_no, or 404 order_not_found."""
        _, denied = await gate(request)
        order = state.by_order_no.get(request.path_params["order_no"])
        return denied or (JSONResponse({"ok": True, "data": order}) if order else
                          err(404, "order_not_found", "no such order"))

    async def order_by_dno(request: Request) -> Response:
        """An order by downstream_order_no (the idempotency key), or 404 order_not_found."""
        _, denied = await gate(request)
        order = state.orders.get(request.path_params["dno"])
        return denied or (JSONResponse({"ok": True, "data": order}) if order else
                          err(404, "order_not_found", "no order for that downstream_order_no"))

    async def get_stock(request: Request) -> Response:
        """Real and reported stock per SKU, and how many keys were issued."""
        return JSONResponse({"stock": state.stock_view()})

    async def put_stock(request: Request) -> Response:
        """Set available units per SKU: {"apple-100": 500}; unknown SKUs are created."""
        patch = await read_json(request)
        if not isinstance(patch, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in patch.values()):
            return json_error("stock must be a JSON object {sku: non-negative int}", 400)
        state.set_stock(patch)
        return JSONResponse({"stock": state.stock_view()})

    return [
        Route(f"{PREFIX}/ping", ping, methods=["POST"]),
        Route(f"{PREFIX}/products", products, methods=["GET"]),
        Route(f"{PREFIX}/products/{{sku}}", product, methods=["GET"]),
        Route(f"{PREFIX}/orders", purchase, methods=["POST"]),
        Route(f"{PREFIX}/orders/by-downstream/{{dno}}", order_by_dno, methods=["GET"]),
        Route(f"{PREFIX}/orders/{{order_no}}", order_by_no, methods=["GET"]),
        Route("/_fake/stock", get_stock, methods=["GET"]),
        Route("/_fake/stock", put_stock, methods=["PUT"]),
    ]


def _validate(req: Any) -> str | None:
    if not isinstance(req, dict):
        return "body must be a JSON object {sku_id, quantity, downstream_order_no}"
    if not isinstance(req.get("sku_id"), str | int) or req.get("sku_id") in ("", None):
        return "sku_id is required"
    qty = req.get("quantity")
    if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= MAX_QUANTITY:
        return f"quantity must be an integer 1..{MAX_QUANTITY}"
    dno = req.get("downstream_order_no")
    if not isinstance(dno, str) or not dno or len(dno) > 128:
        return "downstream_order_no is required (1..128 chars)"
    return None


def make_app(state: SupplierState) -> chaos.TransportGrab:
    """The Starlette app wrapped so handlers can drop a connection (see chaos.TransportGrab)."""
    routes = [*make_routes(state), *control_routes(state)]
    app: Starlette = build_app(f"faka-drill fake supplier ({state.name}, {state.semantics})",
                               routes)
    app.state.supplier = state
    return chaos.TransportGrab(app)

