"""epay payment notify: verify sign, sign_type, pid, status and amount, then apply in one
transaction.

The gateway stops retrying when the reply contains `success`; every refusal answers
`fail: <reason>` (4xx) so it retries, and is logged and recorded as an anomaly. A
notify whose `trade_status` is not a paid state (TRADE_CLOSED, WAIT_BUYER_PAY) is
refused too: it is not a payment, and answering `success` to it is what shops that
answer `success` to anything (kamiFaka) do.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from delivery import defects as D
from delivery import defects_round6 as D6
from delivery import defects_round7 as D7
from delivery import epay
from delivery.api.common import ctx_of, read_body
from delivery.ctx import Ctx, log
from delivery.store import payments

FIELDS = ("pid", "trade_no", "out_trade_no", "type", "name", "money", "trade_status")
HANDLED = {"paid", "review", "revived", "refund_needed", "duplicate", "double_payment"}
REFUSED = {"amount_mismatch": 400, "unknown_order": 404, "trade_no_reused": 409}
MAX_FORM = 16 * 1024
PAID_STATES = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})


def _fail(status: int, why: str) -> Response:
    return PlainTextResponse(f"fail: {why}", status_code=status)


async def apply_payment(ctx: Ctx, trade_no: str, order_no: str, money: str) -> str:
    """Shared by notify and the reconciler; retries the race on the unique trade_no."""
    for _ in range(5):
        try:
            return await ctx.db.tx(payments.apply, ctx, trade_no, order_no, money, ctx.now())
        except (IntegrityError, payments.Retry):
            continue  # a concurrent duplicate committed first: the next round sees it
    return await ctx.db.tx(payments.apply, ctx, trade_no, order_no, money, ctx.now())


async def _anomaly(ctx: Ctx, kind: str, order_no: str | None, detail: str) -> None:
    ctx.metrics.anomalies.labels(kind=kind).inc()
    await ctx.db.tx(payments.record_anomaly, kind, order_no, detail, ctx.now())


async def _params(request: Request) -> dict[str, str]:
    """Query string, plus the form body of a POST (undecodable bytes replaced)."""
    params = dict(request.query_params)
    if request.method == "POST":
        raw = await read_body(request, MAX_FORM)
        params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return params


async def _refusal(ctx: Ctx, params: dict[str, str]) -> Response | None:
    """The reply for a notify that must not be applied (bad form, sign or pid), else None."""
    unsigned = not params.get("sign") and ctx.defects.on(D.NOTIFY_UNSIGNED_ACCEPTED)  # bug zoo
    missing = [f for f in ("trade_no", "out_trade_no", "money", "sign")
               if not params.get(f) and not (unsigned and f == "sign")]
    nul = sorted(k for k, v in params.items() if "\x00" in k or "\x00" in v)
    if missing or nul:
        ctx.metrics.notifies.labels(result="malformed").inc()
        return _fail(400, f"missing {missing}" if missing else f"NUL character in {nul}")
    order_no, trade_no = params["out_trade_no"][:64], params["trade_no"][:64]
    signed = D.plus_spaces(params) if ctx.defects.on(D.NOTIFY_SIGN_PLUS_SPACE) else params  # zoo
    if not unsigned and not epay.verify(signed, ctx.cfg.gateway.key):
        ctx.metrics.notifies.labels(result="bad_sign").inc()
        await _anomaly(ctx, "bad_sign", order_no, f"trade_no={trade_no}")
        log.warning("notify with a bad signature for order %s", order_no)
        return _fail(400, "bad signature")
    if params.get("sign_type", "").upper() != "MD5":
        ctx.metrics.notifies.labels(result="bad_sign").inc()
        await _anomaly(ctx, "bad_sign", order_no, f"sign_type={params.get('sign_type')!r}")
        return _fail(400, "sign_type must be MD5 (签名类型错误)")
    if params.get("pid") != ctx.cfg.gateway.pid and not ctx.defects.on(
            D.NOTIFY_PID_UNCHECKED):  # bug zoo: sign verified, merchant id never looked at
        await _anomaly(ctx, "wrong_pid", order_no, f"pid={params.get('pid')!r}")
        return _fail(400, "wrong pid")
    paid_states = D7.SUCCESS_ONLY if ctx.defects.on(  # bug zoo: TRADE_FINISHED taken for unpaid
        D7.NOTIFY_FINISHED_REFUSED) else PAID_STATES  # (omnipay-global-alipay #26)
    if params.get("trade_status") not in paid_states and not ctx.defects.on(
            D.NOTIFY_STATUS_UNCHECKED):  # bug zoo: "epay only notifies success"
        ctx.metrics.notifies.labels(result="not_success").inc()
        return _fail(400, "trade_status is not a paid state, nothing applied "
                     "(交易状态非支付成功)")  # never echo it: a reply holding "success" is an ack
    return None


async def notify(request: Request) -> Response:
    ctx = ctx_of(request)
    if request.method == "POST" and ctx.defects.on(D.NOTIFY_GET_ONLY):  # bug zoo: dujiaoka #30
        return PlainTextResponse("Method Not Allowed", status_code=405)
    params = await _params(request)
    reply = await (D6.success_on_error(_notify(ctx, params)) if ctx.defects.on(
        D.NOTIFY_ERROR_ACKED) else _notify(ctx, params))  # bug zoo: an error answered success
    if ctx.defects.on(D.NOTIFY_ALWAYS_SUCCESS):  # bug zoo: kamiFaka answers success to anything
        return PlainTextResponse("success")
    if reply.status_code == 200 and ctx.defects.on(D.NOTIFY_REPLIES_OK):  # bug zoo: epusdt's "ok"
        return PlainTextResponse("ok")
    return reply


async def _notify(ctx: Ctx, params: dict[str, str]) -> Response:
    refused = await _refusal(ctx, params)
    if refused is not None:
        return refused
    order_no, trade_no = params["out_trade_no"][:64], params["trade_no"][:64]
    result = await apply_payment(ctx, trade_no, order_no, params["money"])
    ctx.metrics.notifies.labels(result=result).inc()
    if result == "unknown_order" and ctx.defects.on(D.UNKNOWN_ORDER_ACKED):  # bug zoo: 200 so
        return PlainTextResponse("success")  # the gateway stops retrying (blockonomics #264)
    if result in REFUSED:
        ctx.metrics.anomalies.labels(kind=result).inc()
        why = result
        if result == "trade_no_reused":
            why += f" (trade_no {trade_no} already paid another order; {order_no} stays unpaid)"
        log.warning("notify refused: %s order=%s trade_no=%s", why, order_no, trade_no)
        return _fail(REFUSED[result], why)
    if result in ("paid", "revived"):
        ctx.wake.set()
        if ctx.defects.on(D.NOTIFY_WAITS_DELIVERY):  # bug zoo: delivery inside the callback
            await D.wait_delivered(ctx, order_no)
    if result == "duplicate" and ctx.defects.on(D.DUP_NOTIFY_FAIL):  # bug zoo: dujiaoka, acg-faka
        return _fail(409, "重复通知 (order already paid)")
    return PlainTextResponse("success")


ROUTES = [Route("/notify/epay", notify, methods=["GET", "POST"])]
