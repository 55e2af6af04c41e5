"""Admin API (Bearer admin_token, checked by `AdminGuard`): orders, API log, manual
delivery, review, stock, export. Handlers read the service state from `app.state.ctx`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from delivery import defects as D
from delivery.api.common import (
    ApiError,
    Text,
    ctx_of,
    error,
    int_param,
    ok,
    parse,
    require_admin,
)
from delivery.ctx import Ctx
from delivery.db.engine import operator_lane
from delivery.db.schema import alerts, supplier_calls
from delivery.export import export
from delivery.store import deliveries, jobs, orders, payments, stock
from delivery.store.alerts import raise_alert


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_id: Text = Field(min_length=1, max_length=64)
    codes: list[Text] = Field(max_length=100_000)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool = Field(strict=True)  # "yes" or 1 must not approve a held payment


def manual_deliver(conn: Connection, ctx: Ctx, order_no: str, now: float) -> dict[str, Any]:
    o = orders.get(conn, order_no)
    if o is None:
        raise ApiError(404, f"no order {order_no!r}")
    done = deliveries.existing(conn, order_no)
    if done is not None and not ctx.defects.on(D.MANUAL_NOT_IDEMPOTENT):
        return {"order_no": order_no, "cards": done["codes"], "source": done["source"],
                "created": False}
    force = done is not None  # bug zoo: burn a fresh key for an order already delivered
    if not force and o["status"] not in deliveries.DELIVERABLE:
        raise ApiError(409, f"order {order_no} is {o['status']}; only paid, manual or review "
                            "orders can be delivered by hand")
    product = ctx.cfg.product(o["product_id"])
    if product is not None and product.kind == "supplier" and not force:
        raise ApiError(409, f"order {order_no} is supplier stock; retry it with "
                            f"POST /admin/orders/{order_no}/retry or import keys and deliver")
    try:
        codes = deliveries.local_codes(conn, o, now, fresh=force)
    except stock.OutOfStock as exc:
        raise ApiError(409, f"out of stock for {o['product_id']}; import keys first") from exc
    keeps = ctx.defects.on(D.MANUAL_KEEPS_STATUS)  # bug zoo: keys logged, the order never moves
    shown = [] if ctx.defects.on(D.MANUAL_CODES_NOT_SHOWN) else codes  # bug zoo: the codes
    deliveries.write(conn, o, shown, "manual", now, force=force or keeps,  # go to the operator
                     from_status=("-",) if keeps else deliveries.DELIVERABLE)
    jobs.close_for_order(conn, order_no, now)
    return {"order_no": order_no, "cards": codes, "source": "manual", "created": True}


REFUNDABLE = ("paid", "manual", "review", "refund_needed", "rejected")


async def list_orders(request: Request) -> Response:
    ctx = ctx_of(request)
    status = request.query_params.get("status") or None
    older = int_param(request, "older_than_s", None, 0, 10**9)
    limit = int_param(request, "limit", 500, 1, 100_000) or 500
    older_wall = ctx.cfg.wall(older) if older is not None else None
    rows = await ctx.db.tx(orders.listing, status, older_wall, ctx.now(), limit)
    return ok({"orders": rows})


def _recent_calls(conn: Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(supplier_calls).order_by(supplier_calls.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


async def api_log(request: Request) -> Response:
    limit = int_param(request, "limit", 200, 1, 100_000) or 200
    return ok({"calls": await ctx_of(request).db.tx(_recent_calls, limit)})


async def deliver(request: Request) -> Response:
    ctx, order_no = ctx_of(request), request.path_params["order_no"]
    try:
        res = await ctx.db.tx(manual_deliver, ctx, order_no, ctx.now())
    except deliveries.NotDeliverable:  # the worker won the race: return its delivery
        res = await ctx.db.tx(manual_deliver, ctx, order_no, ctx.now())
    return ok(res)


async def resend(request: Request) -> Response:
    order_no = request.path_params["order_no"]
    d = await ctx_of(request).db.tx(deliveries.existing, order_no)
    if d is None:
        raise ApiError(409, f"order {order_no} has no delivery to resend")
    return ok({"order_no": order_no, "cards": d["codes"], "source": d["source"], "resent": True})


def requeue_manual(conn: Connection, order_no: str, now: float) -> bool:
    """manual → paid with a fresh delivery job that asks the suppliers before buying again."""
    if not orders.set_status(conn, order_no, "manual", "paid", now):
        return False
    jobs.enqueue(conn, "deliver", f"deliver:{order_no}:retry:{now}", now, order_no=order_no,
                 payload={"resume": True})
    return True


async def retry(request: Request) -> Response:
    ctx, order_no = ctx_of(request), request.path_params["order_no"]
    if not await ctx.db.tx(requeue_manual, order_no, ctx.now()):
        raise ApiError(409, f"order {order_no} is not in manual")
    ctx.wake.set()
    return ok({"order_no": order_no, "status": "paid", "requeued": True})


def mark_refunded(conn: Connection, order_no: str, now: float) -> dict[str, Any] | None:
    if not orders.set_status(conn, order_no, REFUNDABLE, "refunded", now):
        return None
    stock.release(conn, order_no, now)
    jobs.close_for_order(conn, order_no, now)
    return orders.get(conn, order_no)


async def refund(request: Request) -> Response:
    ctx, order_no = ctx_of(request), request.path_params["order_no"]
    o = await ctx.db.tx(mark_refunded, order_no, ctx.now())
    if o is None:
        raise ApiError(409, f"order {order_no} cannot be refunded from its state "
                            f"(allowed: {', '.join(REFUNDABLE)})")
    return ok({"order_no": order_no, "status": o["status"]})


def decide_review(conn: Connection, ctx: Ctx, order_no: str, approve: bool,
                  now: float) -> str | None:
    """Approve → paid + delivery job. Reject → refund_needed (+ alert), keys released: the
    money was taken; POST …/refund then records the refund. None: not in review."""
    if approve:
        if not orders.set_status(conn, order_no, "review", "paid", now):
            return None
        payments.enqueue_delivery(conn, order_no, now)
        return "paid"
    if not orders.set_status(conn, order_no, "review", "refund_needed", now):
        return None
    stock.release(conn, order_no, now)
    raise_alert(conn, ctx, "refund_needed", "warning",
                f"order {order_no} rejected in review after payment; refund it", now)
    return "refund_needed"


async def review(request: Request) -> Response:
    ctx, order_no = ctx_of(request), request.path_params["order_no"]
    body = await parse(request, ReviewIn)
    new = await ctx.db.tx(decide_review, ctx, order_no, body.approve, ctx.now())
    if new is None:
        raise ApiError(409, f"order {order_no} is not waiting for review")
    ctx.wake.set()
    return ok({"order_no": order_no, "status": new})


async def import_stock(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await parse(request, ImportIn, limit=20 * 1024 * 1024)
    p = ctx.cfg.product(body.product_id)
    if p is None or p.kind != "local":
        raise ApiError(404, f"no local product {body.product_id!r}")
    if any(not c or len(c) > 200 for c in body.codes):
        raise ApiError(422, "every code must be 1..200 characters")
    n, dup = await ctx.db.tx(stock.import_codes, p.id, body.codes, ctx.now())
    return ok({"imported": n, "duplicates": dup})


def _all_alerts(conn: Connection) -> list[dict[str, Any]]:
    rows = [dict(r._mapping) for r in conn.execute(select(alerts).order_by(alerts.c.id))]
    for a in rows:  # a list, as in /admin/export
        a["channels"] = json.loads(a["channels"])
    return rows


async def list_alerts(request: Request) -> Response:
    return ok({"alerts": await ctx_of(request).db.tx(_all_alerts)})


async def do_export(request: Request) -> Response:
    return ok(await ctx_of(request).db.tx(export))


ROUTES = [
    Route("/admin/orders", list_orders, methods=["GET"]),
    Route("/admin/api-log", api_log, methods=["GET"]),
    Route("/admin/orders/{order_no}/deliver", deliver, methods=["POST"]),
    Route("/admin/orders/{order_no}/resend", resend, methods=["POST"]),
    Route("/admin/orders/{order_no}/retry", retry, methods=["POST"]),
    Route("/admin/orders/{order_no}/refund", refund, methods=["POST"]),
    Route("/admin/orders/{order_no}/review", review, methods=["POST"]),
    Route("/admin/stock/import", import_stock, methods=["POST"]),
    Route("/admin/alerts", list_alerts, methods=["GET"]),
    Route("/admin/export", do_export, methods=["GET"]),
]


OPERATOR_PATHS = ("/admin", "/backoffice")


class AdminGuard:
    """ASGI middleware: every /admin path needs `Authorization: Bearer <admin_token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/admin") and not (
                scope["method"] == "GET"  # bug zoo: only the writing routes are guarded
                and scope["app"].state.ctx.defects.on(D.ADMIN_READS_OPEN)):
            try:
                if not (scope["app"].state.ctx.defects.on(D.ADMIN_TOKEN_PREFIX)  # bug zoo:
                        and D.token_prefix(Request(scope), self.token)):  # strncmp(given)
                    require_admin(Request(scope), self.token)
            except ApiError as exc:
                message = exc.message
                if scope["app"].state.ctx.defects.on(D.ADMIN_401_ECHOES_TOKEN):
                    message += f" (expected: Bearer {self.token})"  # bug zoo: a debug hint
                await error(exc.status, message)(scope, receive, send)
                return
        if scope["type"] == "http" and scope["path"].startswith(OPERATOR_PATHS):
            with operator_lane():     # the merchant is never queued behind the buyers
                await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)
