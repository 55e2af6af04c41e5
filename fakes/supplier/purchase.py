"""POST /api/v1/upstream/orders: a purchase, in the order the ledger tells the oracle.

auth -> validation -> latency -> injected HTTP error -> idempotency (replay or
reject) -> stock -> pre-commit failures (ok:false, 402, HTML page) -> commit ->
post-commit failures (truncated JSON, held or dropped reply) -> normal reply.
Every exit records one ``purchases`` ledger entry.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes._common import describe, read_body, try_json
from fakes.supplier import auth, chaos, fulfil
from fakes.supplier.chaos import err
from fakes.supplier.state import SupplierState

MAX_QUANTITY = 1000
MAX_DNO = 128
AUTH_HEADERS: dict[str, dict[str, Any]] = {
    name: {"type": "string"} for name in (auth.HEADER_KEY, auth.HEADER_TS, auth.HEADER_SIG)}
PURCHASE_BODY: dict[str, Any] = {"type": "object", "properties": {
    "sku_id": {"type": "string"}, "quantity": {"type": "integer"},
    "downstream_order_no": {"type": "string"}}}


@dataclass(slots=True)
class Attempt:
    """One purchase request and where its ledger entry goes."""

    state: SupplierState
    req: dict[str, Any]
    at: float

    def record(self, outcome: str, status: int | None, codes: list[str] | None = None,
               replayed: bool = False, order_no: str | None = None) -> dict[str, Any]:
        """One purchases entry: the quantity asked and given (an accepted order's entry is
        completed when it is fulfilled or cancelled, see fulfil.py)."""
        return self.state.ledger.add("purchases", {
            "downstream_order_no": self.req.get("downstream_order_no"),
            "sku": self.req.get("sku_id"), "quantity": self.req.get("quantity"),
            "at": self.at, "outcome": outcome, "codes": codes or [], "http_status": status,
            "replayed": replayed, "order_no": order_no, "given": len(codes or [])})


def validate(req: Any) -> str | None:
    """None when the body is a usable purchase, else what is wrong with it."""
    if not isinstance(req, dict):
        return "body must be a JSON object {sku_id, quantity, downstream_order_no}"
    sku = req.get("sku_id")
    if isinstance(sku, bool) or not isinstance(sku, str | int) or sku == "" or \
            len(str(sku)) > MAX_DNO:
        return f"sku_id is required (a string or integer of 1..{MAX_DNO} chars)"
    qty = req.get("quantity")
    if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= MAX_QUANTITY:
        return f"quantity must be an integer 1..{MAX_QUANTITY}"
    dno = req.get("downstream_order_no")
    if not isinstance(dno, str) or not dno or len(dno) > MAX_DNO:
        return f"downstream_order_no is required (1..{MAX_DNO} chars)"
    return None


def _existing(attempt: Attempt, dno: str) -> Response | None:
    """The idempotency rule: replay the original keys, or reject the repeat."""
    state = attempt.state
    existing = state.orders.get(dno)
    if existing is None:
        return None
    if state.semantics == "replay":
        attempt.record("replayed", 200, existing["fulfillment"]["payload"], True,
                       existing["order_no"])
        return JSONResponse({"ok": True, "data": existing})
    attempt.record("duplicate_rejected", 409, order_no=existing["order_no"])
    return err(409, "duplicate_request", "The request ID already exists")


def _before_commit(attempt: Attempt, qty: int) -> Response | str | None:
    """A refusal before any key is taken, or the malformed kind to apply later."""
    state = attempt.state
    b, chance = state.behaviour, state.rng.chance
    product = state.products.get(str(attempt.req["sku_id"]))
    if product is None:
        attempt.record("product_not_found", 404)
        return err(404, "product_not_found", f"no sku {str(attempt.req['sku_id'])[:64]!r}")
    if b["sold_out"] or product.available < qty:
        attempt.record("insufficient_stock", 409)
        return err(409, "insufficient_stock",
                   f"sku {product.sku} has {state.reported_stock(product)} left, wanted {qty}")
    if chance("chaos", b["ok_false"]):
        attempt.record("ok_false", 200)
        return JSONResponse({"ok": False, "error_code": "payment_failed",
                             "error_message": "wallet payment failed, order cancelled"})
    if chance("chaos", b["insufficient_balance"]):
        attempt.record("insufficient_balance", 402)
        return err(402, "insufficient_balance", "wallet balance too low")
    kind = None
    if b["malformed_kinds"] and chance("chaos", b["malformed"]):
        kind = str(state.rng("chaos").choice(b["malformed_kinds"]))
    if kind == "html":
        attempt.record("malformed_html", 200)
        return chaos.html_page()
    return kind


async def _commit(attempt: Attempt, request: Request, qty: int, kind: str | None) -> Response:
    """Take the keys (after the optional race window), then answer, or fail to."""
    state = attempt.state
    b = state.behaviour
    product = state.products[str(attempt.req["sku_id"])]
    if b["race_window_ms"] > 0:
        await asyncio.sleep(state.wall_ms(b["race_window_ms"]))
        if product.available < qty:
            attempt.record("insufficient_stock", 409)
            return err(409, "insufficient_stock", f"sku {product.sku} ran out")
    if state.rng.chance("async", b["async_rate"]):
        order = fulfil.accept(state, product, qty, attempt.req["downstream_order_no"])
        entry = attempt.record("accepted", 200, order_no=order["order_no"])
        fulfil.schedule(state, order, entry)
        return Response(chaos.ok_body(order), media_type="application/json")
    order = state.commit(product, qty, attempt.req["downstream_order_no"])
    codes, order_no = order["fulfillment"]["payload"], order["order_no"]
    if kind == "truncated":
        attempt.record("malformed_truncated", 200, codes, order_no=order_no)
        return chaos.truncated(order)
    if state.rng.chance("chaos", b["commit_then_timeout"]):
        mode = b["commit_timeout_mode"]
        attempt.record(f"commit_{mode}", 200 if mode == "hold" else None, codes,
                       order_no=order_no)
        return await chaos.drop_or_hold(state, request.scope, order)
    attempt.record("delivered", 200, codes, order_no=order_no)
    return Response(chaos.ok_body(order), media_type="application/json")


@describe(headers=AUTH_HEADERS, body=PURCHASE_BODY)
async def purchase(request: Request) -> Response:
    """Buy keys: {sku_id, quantity, downstream_order_no}; idempotent per downstream_order_no."""
    state: SupplierState = request.app.state.supplier
    body = await read_body(request)
    parsed = try_json(body)
    attempt = Attempt(state, parsed if isinstance(parsed, dict) else {}, state.clock.now())
    why = auth.check(request.headers, state.api_key, state.api_secret, request.method,
                     request.url.path, body, now=state.clock.now())
    if why:
        attempt.record("unauthorized", 401)
        return err(401, "unauthorized", why)
    if (problem := validate(parsed)) is not None:
        attempt.record("bad_request", 400)
        return err(400, "bad_request", problem)
    await chaos.latency(state)
    injected = chaos.injected_error(state)
    if injected is not None:
        attempt.record(f"error_{injected.status_code}", injected.status_code)
        return injected
    qty: int = attempt.req["quantity"]
    if (replay := _existing(attempt, attempt.req["downstream_order_no"])) is not None:
        return replay
    before = _before_commit(attempt, qty)
    if isinstance(before, Response):
        return before
    return await _commit(attempt, request, qty, before)
