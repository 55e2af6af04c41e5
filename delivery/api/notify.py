"""epay payment notify: verify sign, pid and amount, then apply in one transaction."""

from __future__ import annotations

import time

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from delivery import epay
from delivery.api.common import read_body
from delivery.ctx import Ctx, log
from delivery.store import payments

FIELDS = ("pid", "trade_no", "out_trade_no", "type", "name", "money", "trade_status")
HANDLED = {"paid", "review", "revived", "refund_needed", "duplicate", "double_payment"}


def _fail(status: int, why: str) -> Response:
    return PlainTextResponse(f"fail: {why}", status_code=status)


async def apply_payment(ctx: Ctx, trade_no: str, order_no: str, money: str) -> str:
    """Shared by notify and the reconciler; retries the race on the unique trade_no."""
    for _ in range(5):
        try:
            return await ctx.db.tx(payments.apply, ctx, trade_no, order_no, money, time.time())
        except (IntegrityError, payments.Retry):
            continue  # a concurrent duplicate committed first: the next round sees it
    return await ctx.db.tx(payments.apply, ctx, trade_no, order_no, money, time.time())


def routes(ctx: Ctx) -> list[Route]:
    g = ctx.cfg.gateway

    async def anomaly(kind: str, order_no: str | None, detail: str) -> None:
        ctx.metrics.anomalies.labels(kind=kind).inc()
        await ctx.db.tx(payments.record_anomaly, kind, order_no, detail, time.time())

    async def notify(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            from urllib.parse import parse_qsl
            raw = await read_body(request, 16 * 1024)
            params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        missing = [f for f in ("trade_no", "out_trade_no", "money", "sign") if not params.get(f)]
        if missing:
            ctx.metrics.notifies.labels(result="malformed").inc()
            return _fail(400, f"missing {missing}")
        order_no, trade_no = params["out_trade_no"][:64], params["trade_no"][:64]
        if not epay.verify(params, g.key):
            ctx.metrics.notifies.labels(result="bad_sign").inc()
            await anomaly("bad_sign", order_no, f"trade_no={trade_no}")
            log.warning("notify with a bad signature for order %s", order_no)
            return _fail(400, "bad signature")
        if params.get("pid") != g.pid:
            await anomaly("wrong_pid", order_no, f"pid={params.get('pid')!r}")
            return _fail(400, "wrong pid")
        if params.get("trade_status") != "TRADE_SUCCESS":
            ctx.metrics.notifies.labels(result="not_success").inc()
            return PlainTextResponse("success")  # nothing to do for unpaid states
        result = await apply_payment(ctx, trade_no, order_no, params["money"])
        ctx.metrics.notifies.labels(result=result).inc()
        if result in ("amount_mismatch", "unknown_order"):
            ctx.metrics.anomalies.labels(kind=result).inc()
            log.warning("notify rejected: %s order=%s trade_no=%s", result, order_no, trade_no)
            return _fail(400 if result == "amount_mismatch" else 404, result)
        if result in ("paid", "revived"):
            ctx.wake.set()
        return PlainTextResponse("success")

    return [Route("/notify/epay", notify, methods=["GET", "POST"])]
