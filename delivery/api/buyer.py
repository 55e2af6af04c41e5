"""Buyer API: products, create order (stock reserved), order status, cards by token.
Handlers read the service state from `app.state` (`ctx`, `risk`)."""

from __future__ import annotations

import asyncio
import hmac
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from delivery import defects as D
from delivery import defects_round6 as D6
from delivery import defects_round7 as D7
from delivery import epay
from delivery.api.common import ApiError, Text, ctx_of, ok, parse
from delivery.ctx import Ctx
from delivery.risk import Risk
from delivery.store import deliveries, orders, stock


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    product_id: Text = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100, strict=True)
    contact: Text = Field(min_length=1, max_length=200)


def pay_params(ctx: Ctx, o: dict[str, Any], name: str) -> dict[str, str]:
    g = ctx.cfg.gateway
    base = ctx.cfg.public_base_url.rstrip("/")
    p = {"pid": g.pid, "type": "alipay", "out_trade_no": o["order_no"],
         "notify_url": base + "/notify/epay", "return_url": base + f"/api/orders/{o['order_no']}",
         "name": name, "money": o["amount"]}
    p["sign"] = epay.sign(p, g.key)
    p["sign_type"] = "MD5"
    return p


async def products(request: Request) -> Response:
    ctx = ctx_of(request)
    local = [p.id for p in ctx.cfg.products if p.kind == "local"]
    counts = await ctx.db.read(stock.available_counts, local)
    if ctx.defects.on(D.CATALOGUE_CACHED):  # bug zoo: the stock cached 60 s (acg-faka #937)
        counts = D.cached("catalogue", counts)
    if ctx.defects.on(D.CATALOGUE_COUNTS_ALL):  # bug zoo (card-system #17): every key counted
        counts = {p: sum(c.values()) for p, c in (await ctx.db.tx(stock.stock_table)).items()}
    return ok([{"id": p.id, "name": p.name, "price": f"{p.price:.2f}", "kind": p.kind,
                "stock_available": counts.get(p.id, 0) if p.kind == "local" else None}
               for p in ctx.cfg.products])


def _risk_flag(request: Request, contact: str, ip: str, amount: Decimal, now: float) -> str:
    """ok | hold | post_review; raises 403 in block mode."""
    risk: Risk = request.app.state.risk
    verdict = risk.assess(contact, ip, amount, now)
    if verdict == "ok":
        return "ok"
    if risk.mode == "block":
        raise ApiError(403, f"order refused by risk control ({verdict})")
    return "hold" if risk.mode == "review" else "post_review"


async def create(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await parse(request, OrderIn)
    product = ctx.cfg.product(body.product_id)
    if product is None:
        raise ApiError(404, f"unknown product_id {body.product_id!r}; see GET /api/products")
    await asyncio.sleep(0)  # a hang-up read with the request (data + FIN) is handled first
    if await request.is_disconnected():
        # overload: the request queued past the buyer's timeout and the buyer hung up. An order
        # made now would lock keys for the whole expiry (a flash sale "sold out" to nobody).
        ctx.metrics.abandoned.inc()
        raise ApiError(499, "the buyer closed the connection before the order was placed; "
                            "nothing was reserved (请求已被买家放弃，未下单)")
    ip = request.headers.get("x-buyer-ip") or (request.client.host if request.client else "")
    amount = (product.price * body.quantity).quantize(Decimal("0.01"))
    now = ctx.now()
    flag = _risk_flag(request, body.contact, ip[:64], product.price if ctx.defects.on(
        D.RISK_UNIT_PRICE) else amount, now)  # bug zoo: the limit held against the unit price
    try:
        o = await ctx.db.tx(orders.create, ctx, product, body.quantity, body.contact,
                            ip[:64], flag, now)
    except stock.OutOfStock as exc:
        raise ApiError(409, f"out of stock: product {body.product_id!r} has fewer than "
                            f"{body.quantity} keys available") from exc
    params = pay_params(ctx, o, product.name)
    return ok({"order_no": o["order_no"], "token": o["token"], "amount": o["amount"],
               "status": o["status"], "expires_at": o["expires_at"],
               "pay_url": ctx.cfg.pay_base.rstrip("/") + "/submit.php",
               "pay_params": params}, 201)


def _get_with_cards(conn: Any, order_no: str) -> dict[str, Any] | None:
    o = orders.get(conn, order_no)
    if o is not None and o["status"] == "delivered":
        d = deliveries.existing(conn, order_no)
        o = {**o, "cards": d["codes"] if d is not None else None}
    return o


async def _owned(request: Request, *, cards: bool = False) -> dict[str, Any]:
    order_no = request.path_params["order_no"]
    token = request.query_params.get("token", "")
    get = _get_with_cards if cards else orders.get
    o = await ctx_of(request).db.read(get, order_no) if len(order_no) <= 40 else None
    if o is not None and cards and ctx_of(request).defects.on(D.CARDS_BY_ORDER_NO):
        return o  # bug zoo (kamiFaka /api/v2/get_card): the order number alone shows the cards
    if o is not None and not token and ctx_of(request).defects.on(D.TOKEN_OPTIONAL):
        return o  # bug zoo (dujiaoka #144): no query password given, none asked
    if o is not None and token and ctx_of(request).defects.on(D.TOKEN_OF_ANY_ORDER) and \
            await ctx_of(request).db.tx(D.token_known, token):  # bug zoo: a buyer's, any order
        return o
    if o is None or not token or not hmac.compare_digest(token.encode(), o["token"].encode()):
        raise ApiError(404, f"no order {order_no[:40]!r} for this token; "
                            "pass ?token= from the order creation reply" + (
                                f" (debug: {o})" if o is not None and ctx_of(request).defects.on(
                                    D.ERROR_ECHOES_ORDER) else ""))  # bug zoo: debug reply
    return o


async def status(request: Request) -> Response:
    cache = ctx_of(request).defects.on(D.STATUS_CACHE_NO_TOKEN)  # bug zoo: keyed by path only
    if cache and (hit := D.status_cache.get(request.path_params["order_no"])) is not None:
        return ok(hit)
    edge = ctx_of(request).defects.on(D7.STATUS_CACHED_STALE)  # bug zoo: no Cache-Control
    if edge and (kept := D7.edge_cached(request.path_params["order_no"],
                                        request.query_params.get("token", ""))) is not None:
        return ok(kept)
    o = await _owned(request, cards=True)
    if o.get("cards") is None and ctx_of(request).defects.on(D.RESERVED_CODES_SHOWN):  # bug zoo
        o = {**o, "cards": await ctx_of(request).db.read(D6.held_codes, o["order_no"])}
    shown = "delivered" if o["status"] == "paid" and ctx_of(request).defects.on(
        D.PAID_SHOWN_DELIVERED) else o["status"]  # bug zoo: kamiFaka's "paid" = done
    if shown == "expired" and ctx_of(request).defects.on(D.EXPIRED_SHOWN_PENDING):
        shown = "pending_payment"  # bug zoo: the page reads "待支付" from the unpaid flag only
    body = {"order_no": o["order_no"], "status": shown, "amount": o["amount"],
            "paid_at": o["paid_at"], "delivered_at": o["delivered_at"],
            "delivered": shown == "delivered"}
    if o.get("cards") is not None:  # delivered: the buyer's last poll is also its fetch
        body["cards"] = o["cards"]
    if cache:
        D.status_cache[o["order_no"]] = body
    if edge:  # bug zoo (status-cached-stale): the edge keeps the reply
        D7.edge_store(o["order_no"], o["token"], body, ctx_of(request).cfg.wall(D7.CDN_TTL_S))
    return ok(body)


async def cards(request: Request) -> Response:
    o = await _owned(request)
    d = await ctx_of(request).db.read(deliveries.existing, o["order_no"])
    if d is None:
        raise ApiError(409, f"order {o['order_no']} is {o['status']}, not delivered yet")
    return ok({"order_no": o["order_no"], "cards": d["codes"]})


ROUTES = [
    Route("/api/products", products, methods=["GET"]),
    Route("/api/orders", create, methods=["POST"]),
    Route("/api/orders/{order_no}", status, methods=["GET"]),
    Route("/api/orders/{order_no}/cards", cards, methods=["GET"]),
]
