"""Lost callbacks: ask the gateway (api.php?act=order) about unpaid orders whose
notify never came, and apply the payments it confirms."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import Connection, select

from delivery.api.notify import apply_payment
from delivery.ctx import Ctx, log
from delivery.db.schema import orders


def candidates(conn: Connection, older: float, newest: float, limit: int) -> list[str]:
    return [r[0] for r in conn.execute(
        select(orders.c.order_no)
        .where(orders.c.status.in_(("pending_payment", "expired")),
               orders.c.created_at <= newest, orders.c.created_at >= older)
        .order_by(orders.c.created_at.desc()).limit(limit))]


async def query(ctx: Ctx, order_no: str) -> dict[str, Any] | None:
    g = ctx.cfg.gateway
    try:
        r = await ctx.client().get(g.url.rstrip("/") + "/api.php", params={
            "act": "order", "pid": g.pid, "key": g.key, "out_trade_no": order_no}, timeout=5.0)
        doc = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("gateway order query for %s failed: %s", order_no, type(exc).__name__)
        return None
    return doc if isinstance(doc, dict) else None


async def reconcile_once(ctx: Ctx, limit: int = 200) -> int:
    now = time.time()
    after = ctx.cfg.wall(ctx.cfg.reconcile.after_s)
    horizon = ctx.cfg.wall(ctx.cfg.order_expiry_s) + 4 * after  # late payments after expiry
    todo = await ctx.db.tx(candidates, now - after - horizon, now - after, limit)
    applied = 0
    for order_no in todo:
        doc = await query(ctx, order_no)
        if not doc or str(doc.get("code")) != "1" or str(doc.get("status")) != "1":
            continue
        trade_no, money = str(doc.get("trade_no") or ""), str(doc.get("money") or "")
        if not trade_no or not money:
            continue
        result = await apply_payment(ctx, trade_no, order_no, money)
        log.info("reconciled order %s (trade_no %s): %s", order_no, trade_no, result)
        if result in ("paid", "revived"):
            ctx.wake.set()
        applied += 1
    return applied
