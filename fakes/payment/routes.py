"""The gateway's epay endpoints and the buyer's pay action, as module-level handlers.

Real endpoints answer in epay's own shapes (``{"code": 1|-1, "msg": ...}``, HTTP
200 even for errors, as epay does); the buyer action answers JSON
``{"error", "status"}`` with a 4xx. State is ``request.app.state.gateway`` and
``request.app.state.notifier``.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common import describe, json_error, read_body, try_json
from fakes.payment import epay
from fakes.payment.notifier import Notifier
from fakes.payment.state import GatewayState
from runtime.loopback import NonLoopbackError, ensure_loopback

REQUIRED = ("pid", "type", "out_trade_no", "notify_url", "name", "money", "sign")
MAX_URL = 2048
_TEXT = {"type": "string"}
CREATE_FIELDS: dict[str, Any] = {"type": "object", "properties": {
    name: _TEXT for name in (*REQUIRED, "sign_type", "return_url", "param")}}
QUERY_FIELDS = {name: _TEXT for name in ("act", "pid", "key", "out_trade_no", "trade_no")}


def _fail(msg: str, code: int = -1) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg})


async def _fields(request: Request) -> dict[str, str]:
    """Query string merged with a form or JSON body (epay clients send any of them)."""
    fields = dict(request.query_params)
    if request.method == "POST":
        body = await read_body(request)
        if "json" in request.headers.get("content-type", ""):
            data = try_json(body)
            if isinstance(data, dict):
                fields.update({k: str(v) for k, v in data.items() if v is not None})
        else:  # urlencoded form; parsed by hand (no python-multipart dependency)
            fields.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return fields


def _stamp(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def _notify_url_problem(url: str, state: GatewayState) -> str | None:
    if len(url) > MAX_URL or not url.startswith(("http://", "https://")):
        return f"notify_url must be an http(s) URL of at most {MAX_URL} characters"
    try:
        ensure_loopback(url, allow=state.allow_non_loopback, what="notify_url")
    except NonLoopbackError as exc:
        return str(exc)
    except ValueError as exc:  # a URL urlsplit or the resolver cannot read
        return f"notify_url {url[:80]!r} is not a readable URL: {exc}"
    return None


async def _create_payment(request: Request) -> dict[str, Any] | str:
    """The payment the signed fields ask for (new or the same one again), or why not."""
    state: GatewayState = request.app.state.gateway
    f = await _fields(request)
    missing = [k for k in REQUIRED if not f.get(k)]
    if missing:
        return f"缺少参数 {','.join(missing)} (missing fields)"
    if f["pid"] != state.merchant.pid:
        return "商户不存在 (unknown pid)"
    if not epay.verify(f, state.merchant.key):
        return "签名错误"
    if f["type"] not in epay.PAY_TYPES:
        return f"支付方式不存在 (type must be one of {list(epay.PAY_TYPES)})"
    money = epay.parse_money(f["money"])
    if money is None:
        return "金额不合法 (money must be a positive amount with 2 decimals)"
    if (problem := _notify_url_problem(f["notify_url"], state)) is not None:
        return problem
    existing = state.by_out.get(f["out_trade_no"])
    if existing is None:
        payment = state.create(f, money)
        notifier: Notifier = request.app.state.notifier
        notifier.plan_forgery(payment)  # the `forge` knob: paid or not, an adversary writes
        return payment
    if existing["money"] != epay.money_str(money):
        return "订单号已存在 (out_trade_no reused with another amount)"
    return existing


@describe(query=CREATE_FIELDS["properties"], form=CREATE_FIELDS, body=CREATE_FIELDS)
async def create(request: Request) -> Response:
    """Create a payment (epay submit.php / mapi.php fields, MD5-signed).

    mapi.php answers JSON; submit.php too, unless the `submit_reply` knob is
    `html`: then it answers like real epay's page, a script that sends the
    browser to the pay URL (shops such as kamiFaka parse it server-side).
    """
    state: GatewayState = request.app.state.gateway
    payment = await _create_payment(request)
    html = request.url.path.endswith("/submit.php") and state.behaviour["submit_reply"] == "html"
    if isinstance(payment, str):
        return HTMLResponse(f"<h3>{escape(payment)}</h3>") if html else _fail(payment)
    payurl = f"{request.base_url}pay/{payment['trade_no']}"
    if html:
        return HTMLResponse(f"<script>window.location.href='{escape(payurl)}';</script>")
    return JSONResponse({"code": 1, "msg": "ok", "trade_no": payment["trade_no"],
                         "out_trade_no": payment["out_trade_no"], "payurl": payurl})


async def pay(request: Request) -> Response:
    """The buyer pays: marks the payment paid and schedules its notify (idempotent)."""
    state: GatewayState = request.app.state.gateway
    notifier: Notifier = request.app.state.notifier
    trade_no = request.path_params["trade_no"]
    payment = state.by_trade.get(trade_no)
    if payment is None:
        return json_error(f"no payment with trade_no {trade_no[:64]!r}; create one first", 404)
    already = payment["status"] == "paid"
    if not already:
        payment["status"] = "paid"
        payment["paid_at"] = state.clock.now()
        notifier.plan(payment)
    return JSONResponse({"trade_no": trade_no, "out_trade_no": payment["out_trade_no"],
                         "status": "paid", "money": payment["money"], "already_paid": already})


def _order_view(state: GatewayState, payment: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": 1, "msg": "查询订单号成功！", "trade_no": payment["trade_no"],
        "out_trade_no": payment["out_trade_no"], "type": payment["type"],
        "pid": state.merchant.pid, "addtime": _stamp(payment["created_at"]),
        "endtime": _stamp(payment["paid_at"]), "name": payment["name"],
        "money": payment["money"], "param": payment["param"],
        "status": 1 if payment["status"] == "paid" else 0,
    }


@describe(query=QUERY_FIELDS, form={"type": "object", "properties": QUERY_FIELDS})
async def api(request: Request) -> Response:
    """epay merchant API: act=order (query by out_trade_no or trade_no)."""
    state: GatewayState = request.app.state.gateway
    f = await _fields(request)
    if f.get("act") not in ("order", "query"):
        return _fail("No Act!", -5)
    if f.get("pid") != state.merchant.pid or f.get("key") != state.merchant.key:
        return _fail("KEY校验失败", -3)
    if f.get("out_trade_no"):
        payment = state.by_out.get(f["out_trade_no"])
    elif f.get("trade_no"):
        payment = state.by_trade.get(f["trade_no"])
    else:
        return _fail("缺少参数 out_trade_no 或 trade_no")
    if payment is None:
        return _fail("订单号不存在")
    return JSONResponse(_order_view(state, payment))


ROUTES: list[BaseRoute] = [
    Route("/submit.php", create, methods=["GET", "POST"]),
    Route("/mapi.php", create, methods=["POST"]),
    Route("/pay/{trade_no}", pay, methods=["POST"]),
    Route("/api.php", api, methods=["GET", "POST"]),
]
