"""Operator actions on one order: each runs in one transaction together with its audit row;
a refusal is audited too (in its own transaction, since the action's rolled back)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from delivery.api.admin import manual_deliver
from delivery.api.common import ApiError
from delivery.backoffice import audit, shared
from delivery.backoffice.fmt import clock
from delivery.backoffice.outcome import DONE, NOOP, REFUSED, Outcome, Refused
from delivery.ctx import Ctx, mask
from delivery.store import deliveries, orders, stock

Step = Callable[[Connection, float], Outcome]


async def run(ctx: Ctx, operator: str, action: str, order_no: str | None, step: Step) -> Outcome:
    """step(conn, now) → Outcome; audited. Refused / ApiError become a refused Outcome."""
    now = time.time()

    def tx(conn: Connection) -> Outcome:
        out = step(conn, now)
        audit.record(conn, operator, out, now)
        return out
    try:
        result = await ctx.db.tx(tx)
    except Refused as exc:
        result = exc.outcome(action, order_no)
    except ApiError as exc:
        result = Outcome(action, order_no, REFUSED, "err.refused", {"reason": exc.message},
                         {"error": exc.message}, exc.status)
    if result.result == REFUSED:
        await ctx.db.tx(audit.record, operator, result, now)
    if result.result == DONE:
        ctx.wake.set()
        ctx.wake_outbox.set()
    return result


def _order(conn: Connection, order_no: str) -> dict[str, Any]:
    o = orders.get(conn, order_no)
    if o is None:
        raise Refused(404, "err.no_order", order_no=order_no)
    return o


async def deliver(ctx: Ctx, operator: str, order_no: str) -> Outcome:
    """Manual delivery through admin's `manual_deliver`: idempotent, and says which it was."""
    def step(conn: Connection, now: float) -> Outcome:
        _order(conn, order_no)
        res = manual_deliver(conn, ctx, order_no, now)
        codes = list(res["cards"])
        if res["created"]:
            return Outcome("deliver", order_no, DONE, "out.delivered",
                           {"codes": ", ".join(codes)},
                           {"codes": [mask(c) for c in codes], "source": "manual"})
        d = deliveries.existing(conn, order_no) or {}
        at = d.get("created_at")
        return Outcome("deliver", order_no, NOOP, "out.already",
                       {"at": clock(at), "source": res["source"], "codes": ", ".join(codes)},
                       {"delivered_at": at, "source": res["source"]})
    try:
        return await run(ctx, operator, "deliver", order_no, step)
    except deliveries.NotDeliverable:  # the worker won the race: report its delivery
        return await run(ctx, operator, "deliver", order_no, step)


async def resend(ctx: Ctx, operator: str, order_no: str) -> Outcome:
    def step(conn: Connection, now: float) -> Outcome:
        _order(conn, order_no)
        d = shared.resend_codes(conn, order_no)
        if d is None:
            raise Refused(409, "err.no_delivery", order_no=order_no)
        return Outcome("resend", order_no, DONE, "out.resent", {"codes": ", ".join(d["codes"])},
                       {"codes": [mask(c) for c in d["codes"]], "source": d["source"]})
    return await run(ctx, operator, "resend", order_no, step)


async def refund(ctx: Ctx, operator: str, order_no: str) -> Outcome:
    def step(conn: Connection, now: float) -> Outcome:
        o = _order(conn, order_no)
        if not shared.refund_order(conn, order_no, now):
            raise Refused(409, "err.state", order_no=order_no, state=o["status"], action="refund")
        return Outcome("refund", order_no, DONE, "out.refunded", {}, {"from": o["status"]})
    return await run(ctx, operator, "refund", order_no, step)


async def retry(ctx: Ctx, operator: str, order_no: str) -> Outcome:
    def step(conn: Connection, now: float) -> Outcome:
        o = _order(conn, order_no)
        if not shared.retry_order(conn, order_no, now):
            raise Refused(409, "err.state", order_no=order_no, state=o["status"], action="retry")
        return Outcome("retry", order_no, DONE, "out.requeued", {}, {"from": o["status"]})
    return await run(ctx, operator, "retry", order_no, step)


async def review(ctx: Ctx, operator: str, order_no: str, approve: bool) -> Outcome:
    action = "approve" if approve else "reject"

    def step(conn: Connection, now: float) -> Outcome:
        o = _order(conn, order_no)
        new = shared.review_order(conn, ctx, order_no, approve, now)
        if new is None:
            raise Refused(409, "err.state", order_no=order_no, state=o["status"], action=action)
        key = "out.approved" if approve else "out.rejected"
        return Outcome(action, order_no, DONE, key, {}, {"from": o["status"], "to": new})
    return await run(ctx, operator, action, order_no, step)


async def import_keys(ctx: Ctx, operator: str, product_id: str, codes: list[str]) -> Outcome:
    def step(conn: Connection, now: float) -> Outcome:
        p = ctx.cfg.product(product_id)
        if p is None or p.kind != "local":
            raise Refused(404, "err.no_product", product=product_id)
        n, dup = stock.import_codes(conn, product_id, codes, now)
        return Outcome("import_keys", None, DONE, "out.imported", {"n": n, "dup": dup},
                       {"product_id": product_id, "imported": n, "duplicates": dup})
    return await run(ctx, operator, "import_keys", None, step)
