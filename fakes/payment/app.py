"""The gateway's HTTP face: epay create/query endpoints, the buyer's pay action, control API.

Real endpoints answer in epay's own shapes (``{"code": 1|-1, "msg": ...}``, HTTP
200 even for errors, as epay does); the buyer action and /_fake answer JSON
``{"error", "status"}`` with a 4xx.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common import build_app, control_routes, json_error
from fakes.payment import epay
from fakes.payment.notifier import Notifier
from fakes.payment.state import GatewayState
from runtime.loopback import NonLoopbackError, ensure_loopback

REQUIRED = ("pid", "type", "out_trade_no", "notify_url", "name", "money", "sign")


def _fail(msg: str, code: int = -1) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg})


async def _fields(request: Request) -> dict[str, str]:
    """Query string merged with a form or JSON body (epay clients send any of them)."""
    fields = dict(request.query_params)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "")
        if "json" in ctype:
            with contextlib.suppress(ValueError):
                data = await request.json()
                if isinstance(data, dict):
                    fields.update({k: str(v) for k, v in data.items() if v is not None})
        else:  # urlencoded form; parsed by hand (no python-multipart dependency)
            body = (await request.body()).decode("utf-8", "replace")
            fields.update(parse_qsl(body, keep_blank_values=True))
    return fields


def _stamp(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def make_routes(state: GatewayState, notifier: Notifier) -> list[BaseRoute]:
    merchant = state.merchant

    async def create(request: Request) -> Response:
        """Create a payment (epay submit.php / mapi.php fields, MD5-signed)."""
        f = await _fields(request)
        missing = [k for k in REQUIRED if not f.get(k)]
        if missing:
            return _fail(f"缺少参数 {','.join(missing)} (missing fields)")
        if f["pid"] != merchant.pid:
            return _fail("商户不存在 (unknown pid)")
        if not epay.verify(f, merchant.key):
            return _fail("签名错误")
        if f["type"] not in epay.PAY_TYPES:
            return _fail(f"支付方式不存在 (type must be one of {list(epay.PAY_TYPES)})")
        money = epay.parse_money(f["money"])
        if money is None:
            return _fail("金额不合法 (money must be a positive amount with 2 decimals)")
        try:
            ensure_loopback(f["notify_url"], allow=state.allow_non_loopback, what="notify_url")
        except NonLoopbackError as exc:
            return _fail(str(exc))
        existing = state.by_out.get(f["out_trade_no"])
        if existing is not None:
            if existing["money"] != epay.money_str(money):
                return _fail("订单号已存在 (out_trade_no reused with another amount)")
            payment = existing
        else:
            payment = state.create(f, money)
        base = str(request.base_url)
        return JSONResponse({"code": 1, "msg": "ok", "trade_no": payment["trade_no"],
                             "out_trade_no": payment["out_trade_no"],
                             "payurl": f"{base}pay/{payment['trade_no']}"})

    async def pay(request: Request) -> Response:
        """The buyer pays: marks the payment paid and schedules its notify (idempotent)."""
        trade_no = request.path_params["trade_no"]
        payment = state.by_trade.get(trade_no)
        if payment is None:
            return json_error(f"no payment with trade_no {trade_no!r}; create one first", 404)
        already = payment["status"] == "paid"
        if not already:
            payment["status"] = "paid"
            payment["paid_at"] = time.time()
            notifier.plan(payment)
        return JSONResponse({"trade_no": trade_no, "out_trade_no": payment["out_trade_no"],
                             "status": "paid", "money": payment["money"], "already_paid": already})

    async def api(request: Request) -> Response:
        """epay merchant API: act=order (query by out_trade_no or trade_no)."""
        f = await _fields(request)
        act = f.get("act")
        if act not in ("order", "query"):
            return _fail("No Act!", -5)
        if f.get("pid") != merchant.pid or f.get("key") != merchant.key:
            return _fail("KEY校验失败", -3)
        payment = None
        if f.get("out_trade_no"):
            payment = state.by_out.get(f["out_trade_no"])
        elif f.get("trade_no"):
            payment = state.by_trade.get(f["trade_no"])
        else:
            return _fail("缺少参数 out_trade_no 或 trade_no")
        if payment is None:
            return _fail("订单号不存在")
        paid = payment["status"] == "paid"
        body: dict[str, Any] = {
            "code": 1, "msg": "查询订单号成功！", "trade_no": payment["trade_no"],
            "out_trade_no": payment["out_trade_no"], "type": payment["type"], "pid": merchant.pid,
            "addtime": _stamp(payment["created_at"]), "endtime": _stamp(payment["paid_at"]),
            "name": payment["name"], "money": payment["money"], "param": payment["param"],
            "status": 1 if paid else 0,
        }
        return JSONResponse(body)

    return [
        Route("/submit.php", create, methods=["GET", "POST"]),
        Route("/mapi.php", create, methods=["POST"]),
        Route("/pay/{trade_no}", pay, methods=["POST"]),
        Route("/api.php", api, methods=["GET", "POST"]),
    ]


def make_app(state: GatewayState) -> Starlette:
    notifier = Notifier(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await notifier.start()
        try:
            yield
        finally:
            await notifier.stop()

    routes = [*make_routes(state, notifier), *control_routes(state, notifier.stats)]
    app = build_app("faka-drill fake payment gateway (epay)", routes, lifespan)
    app.state.gateway = state
    return app
