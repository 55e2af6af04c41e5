"""Lost callbacks: ask the gateway (api.php?act=order) about unpaid orders whose
notify never came, and apply the payments it confirms (an expired order follows the
late-payment policy of store/payments.py: revived, or refund_needed + alert)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Connection, and_, or_, select

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery.api.notify import apply_payment
from delivery.ctx import Ctx, log
from delivery.db.schema import orders


def candidates(conn: Connection, oldest: float, newest: float, cursor: tuple[float, str],
               limit: int, unpaid: tuple[str, ...] = ("pending_payment", "expired")
               ) -> list[tuple[float, str]]:
    """Unpaid orders created in [oldest, newest], in (created_at, order_no) order after
    `cursor` (the last one asked)."""
    at, no = orders.c.created_at, orders.c.order_no
    after = or_(at > cursor[0], and_(at == cursor[0], no > cursor[1]))
    return [(r[0], r[1]) for r in conn.execute(
        select(at, no)
        .where(orders.c.status.in_(unpaid), at <= newest, at >= oldest,
               after)
        .order_by(at, no).limit(limit))]


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


_cursors: dict[int, tuple[float, str]] = {}  # per Ctx: the last order asked about


async def reconcile_once(ctx: Ctx) -> int:
    """Ask about at most `max_per_tick` unpaid (pending or expired) orders older than
    `after_s` and younger than `horizon_s`, round-robin: each pass continues after the
    last order the previous pass asked about and wraps to the oldest when it runs out,
    so a payment lost hours ago is still found; a full cycle takes (unpaid orders in
    the horizon) / max_per_tick passes."""
    rc = ctx.cfg.reconcile
    now = ctx.now()
    oldest, newest = now - ctx.cfg.wall(rc.horizon_s), now - ctx.cfg.wall(rc.after_s)
    cursor = _cursors.get(id(ctx), (0.0, ""))
    todo = await ctx.db.tx(candidates, oldest, newest, cursor, rc.max_per_tick, *(
        [D7.UNPAID_PENDING] if ctx.defects.on(D7.RECONCILE_PENDING_ONLY) else []))  # bug zoo:
    # the lost-payment query asks about pending orders only, one that expired is never asked
    _cursors[id(ctx)] = todo[-1] if len(todo) == rc.max_per_tick else (0.0, "")
    applied = 0
    for _, order_no in todo:
        doc = await query(ctx, order_no)
        if not doc or str(doc.get("code")) != "1" or (str(doc.get("status")) != "1" and not
                                                      ctx.defects.on(D.RECONCILE_CODE_ONLY)):
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
