"""Admin API (Bearer admin_token): orders, API log, manual delivery, review, stock, export."""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from delivery import defects as D
from delivery.api.common import ApiError, int_param, ok, parse
from delivery.ctx import Ctx
from delivery.db.schema import alerts, supplier_calls
from delivery.export import export
from delivery.store import deliveries, jobs, orders, payments, stock
from delivery.store.alerts import raise_alert


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_id: str = Field(min_length=1, max_length=64)
    codes: list[str] = Field(max_length=100_000)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool


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
    deliveries.write(conn, o, codes, "manual", now, force=force)
    jobs.close_for_order(conn, order_no, now)
    return {"order_no": order_no, "cards": codes, "source": "manual", "created": True}


def routes(ctx: Ctx) -> list[Route]:
    async def list_orders(request: Request) -> Response:
        status = request.query_params.get("status") or None
        older = int_param(request, "older_than_s", None, 0, 10**9)
        limit = int_param(request, "limit", 500, 1, 100_000) or 500
        older_wall = ctx.cfg.wall(older) if older is not None else None
        rows = await ctx.db.tx(orders.listing, status, older_wall, time.time(), limit)
        return ok({"orders": rows})

    async def api_log(request: Request) -> Response:
        limit = int_param(request, "limit", 200, 1, 100_000) or 200

        def q(conn: Connection) -> list[dict[str, Any]]:
            rows = conn.execute(select(supplier_calls).order_by(supplier_calls.c.id.desc())
                                .limit(limit))
            return [dict(r._mapping) for r in rows]
        return ok({"calls": await ctx.db.tx(q)})

    async def deliver(request: Request) -> Response:
        order_no = request.path_params["order_no"]
        try:
            res = await ctx.db.tx(manual_deliver, ctx, order_no, time.time())
        except deliveries.NotDeliverable:  # the worker won the race: return its delivery
            res = await ctx.db.tx(manual_deliver, ctx, order_no, time.time())
        return ok(res)

    async def resend(request: Request) -> Response:
        order_no = request.path_params["order_no"]
        d = await ctx.db.tx(deliveries.existing, order_no)
        if d is None:
            raise ApiError(409, f"order {order_no} has no delivery to resend")
        return ok({"order_no": order_no, "cards": d["codes"], "source": d["source"],
                   "resent": True})

    async def retry(request: Request) -> Response:
        order_no = request.path_params["order_no"]

        def tx(conn: Connection) -> bool:
            now = time.time()
            if not orders.set_status(conn, order_no, "manual", "paid", now):
                return False
            jobs.enqueue(conn, "deliver", f"deliver:{order_no}:retry:{now}", now, order_no=order_no,
                         payload={"resume": True})  # ask suppliers before buying again
            return True
        if not await ctx.db.tx(tx):
            raise ApiError(409, f"order {order_no} is not in manual")
        ctx.wake.set()
        return ok({"order_no": order_no, "status": "paid", "requeued": True})

    async def refund(request: Request) -> Response:
        order_no = request.path_params["order_no"]
        ok_states = ("paid", "manual", "review", "refund_needed", "rejected")

        def tx(conn: Connection) -> dict[str, Any] | None:
            now = time.time()
            if not orders.set_status(conn, order_no, ok_states, "refunded", now):
                return None
            stock.release(conn, order_no, now)
            jobs.close_for_order(conn, order_no, now)
            return orders.get(conn, order_no)
        o = await ctx.db.tx(tx)
        if o is None:
            raise ApiError(409, f"order {order_no} cannot be refunded from its state "
                                f"(allowed: {', '.join(ok_states)})")
        return ok({"order_no": order_no, "status": o["status"]})

    async def review(request: Request) -> Response:
        order_no = request.path_params["order_no"]
        body = await parse(request, ReviewIn)

        def tx(conn: Connection) -> str | None:
            now = time.time()
            if body.approve:
                if not orders.set_status(conn, order_no, "review", "paid", now):
                    return None
                payments.enqueue_delivery(conn, order_no, now)
                return "paid"
            # rejected, but the money was taken: refund_needed (+ alert), keys released;
            # POST …/refund then records the refund
            if not orders.set_status(conn, order_no, "review", "refund_needed", now):
                return None
            stock.release(conn, order_no, now)
            raise_alert(conn, ctx, "refund_needed", "warning",
                        f"order {order_no} rejected in review after payment; refund it", now)
            return "refund_needed"
        new = await ctx.db.tx(tx)
        if new is None:
            raise ApiError(409, f"order {order_no} is not waiting for review")
        ctx.wake.set()
        return ok({"order_no": order_no, "status": new})

    async def import_stock(request: Request) -> Response:
        body = await parse(request, ImportIn, limit=20 * 1024 * 1024)
        p = ctx.cfg.product(body.product_id)
        if p is None or p.kind != "local":
            raise ApiError(404, f"no local product {body.product_id!r}")
        if any(not c or len(c) > 200 for c in body.codes):
            raise ApiError(422, "every code must be 1..200 characters")
        n, dup = await ctx.db.tx(stock.import_codes, p.id, body.codes, time.time())
        return ok({"imported": n, "duplicates": dup})

    async def list_alerts(request: Request) -> Response:
        def q(conn: Connection) -> list[dict[str, Any]]:
            rows = [dict(r._mapping) for r in conn.execute(select(alerts).order_by(alerts.c.id))]
            for a in rows:  # a list, as in /admin/export
                a["channels"] = json.loads(a["channels"])
            return rows
        return ok({"alerts": await ctx.db.tx(q)})

    async def do_export(request: Request) -> Response:
        return ok(await ctx.db.tx(export))

    r = [
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
    return r
