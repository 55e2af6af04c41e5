"""补单 / 查单: ask the gateway (api.php?act=order, as delivery/reconcile.py does) whether an
unpaid order was paid, and if so apply the payment exactly as a notify would (same store
call, in the audited transaction), so the worker delivers it.

Idempotent by the payment's trade_no: a second 补单, the shop's reconciler or a late
genuine notify for the same payment finds it applied (`duplicate`) and delivers nothing.
The gateway is asked outside any transaction; a batch asks a few orders at a time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from delivery.backoffice.actions import run
from delivery.backoffice.outcome import DONE, NOOP, REFUSED, Outcome, Refused
from delivery.ctx import Ctx
from delivery.db.schema import orders
from delivery.reconcile import query
from delivery.store import orders as order_store
from delivery.store import payments

UNPAID = ("pending_payment", "expired")
APPLIED = ("paid", "review", "revived", "refund_needed")   # the payment changed the order
MAX_BATCH = 500
ASK_AT_ONCE = 8
APPLY_TRIES = 5


def _paid_doc(doc: dict[str, Any] | None) -> tuple[str, str] | None:
    """(trade_no, money) when the gateway says paid, else None."""
    if not doc or str(doc.get("code")) != "1" or str(doc.get("status")) != "1":
        return None
    trade_no, money = str(doc.get("trade_no") or ""), str(doc.get("money") or "")
    return (trade_no, money) if trade_no and money else None


def _apply(conn: Connection, ctx: Ctx, order_no: str, paid: tuple[str, str], now: float) -> str:
    """payments.apply in this transaction, retrying the unique-trade_no race (a nested
    savepoint per try, so a lost race leaves the outer transaction usable)."""
    for _ in range(APPLY_TRIES):
        try:
            with conn.begin_nested():
                return payments.apply(conn, ctx, paid[0], order_no, paid[1], now)
        except (IntegrityError, payments.Retry):
            continue
    return payments.apply(conn, ctx, paid[0], order_no, paid[1], now)


async def _ask(ctx: Ctx, order_no: str) -> tuple[str, dict[str, Any] | None]:
    return order_no, await query(ctx, order_no)


async def query_one(ctx: Ctx, operator: str, order_no: str) -> Outcome:
    """POST /orders/{no}/query: one order's 补单."""
    o = await ctx.db.tx(order_store.get, order_no)
    if o is None:
        raise Refused(404, "err.no_order", order_no=order_no)
    if o["status"] not in UNPAID:
        def already(conn: Connection, now: float) -> Outcome:
            return Outcome("query", order_no, NOOP, "out.query_had", {"state": o["status"]},
                           {"status": o["status"], "asked": False})
        return await run(ctx, operator, "query", order_no, already)
    _, doc = await _ask(ctx, order_no)
    paid = _paid_doc(doc)

    def step(conn: Connection, now: float) -> Outcome:
        if doc is None:
            raise Refused(502, "err.gateway", order_no=order_no)
        if paid is None:
            return Outcome("query", order_no, NOOP, "out.query_unpaid", {},
                           {"gateway_status": doc.get("status"), "msg": doc.get("msg")})
        result = _apply(conn, ctx, order_no, paid, now)
        detail = {"trade_no": paid[0], "money": paid[1], "result": result}
        if result in APPLIED:
            return Outcome("query", order_no, DONE, "out.query_paid",
                           {"trade_no": paid[0], "result": result}, detail)
        if result == "duplicate":
            return Outcome("query", order_no, NOOP, "out.query_dup", {"trade_no": paid[0]},
                           detail)
        return Outcome("query", order_no, REFUSED, "err.query_refused", {"result": result},
                       detail, 409)
    return await run(ctx, operator, "query", order_no, step)


def pending(conn: Connection, created_before: float) -> list[str]:
    """Unpaid orders (pending or expired) created at or before the cutoff, newest first."""
    q = (select(orders.c.order_no).where(orders.c.status.in_(UNPAID),
                                         orders.c.created_at <= created_before)
         .order_by(orders.c.created_at.desc()).limit(MAX_BATCH))
    return [r[0] for r in conn.execute(q)]


async def _ask_all(ctx: Ctx, order_nos: list[str]) -> dict[str, dict[str, Any] | None]:
    gate = asyncio.Semaphore(ASK_AT_ONCE)

    async def one(no: str) -> tuple[str, dict[str, Any] | None]:
        async with gate:
            return await _ask(ctx, no)
    return dict(await asyncio.gather(*(one(n) for n in order_nos)))


async def query_pending(ctx: Ctx, operator: str, older_min: int) -> Outcome:
    """POST /query-pending: 补单 for every unpaid order over `older_min` scenario minutes
    old; one audit row lists what was applied (`paid`), unpaid, already had, failed."""
    cutoff = time.time() - ctx.cfg.wall(older_min * 60.0)
    todo = await ctx.db.tx(pending, cutoff)
    docs = await _ask_all(ctx, todo)

    def step(conn: Connection, now: float) -> Outcome:
        failed = [n for n in todo if docs.get(n) is None]
        if todo and len(failed) == len(todo):
            raise Refused(502, "err.gateway", order_no=", ".join(todo[:3]))
        applied: dict[str, str] = {}
        for no in todo:
            paid = _paid_doc(docs.get(no))
            if paid is not None:
                applied[no] = _apply(conn, ctx, no, paid, now)
        done = [n for n, r in applied.items() if r in APPLIED]
        had = [n for n, r in applied.items() if r == "duplicate"]
        unpaid = [n for n in todo if n not in applied and n not in failed]
        detail = {"asked": len(todo), "paid": done, "had": had, "unpaid": len(unpaid),
                  "failed": failed, "results": applied, "older_min": older_min}
        return Outcome("query_all", None, DONE if done else NOOP, "out.query_all",
                       {"asked": len(todo), "n": len(done), "orders": ", ".join(done) or "-",
                        "unpaid": len(unpaid), "failed": len(failed)}, detail)
    return await run(ctx, operator, "query_all", None, step)
