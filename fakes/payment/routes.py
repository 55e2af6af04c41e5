"""The gateway's epay endpoints and the buyer's pay action.

Real endpoints answer in epay's own shapes (``{"code": 1|-1, "msg": ...}``, HTTP
200 even for errors, as epay does); the buyer action answers JSON
``{"error", "status"}`` with a 4xx. Each endpoint is one function of plain
values returning a `Reply` (status, content type, body), served two ways: by
the fast lane (`hot_routes`, fakes/_common/hot.py) for every method a route
declares, and by Starlette (`ROUTES`, reading ``request.app.state.gateway`` and
``.notifier``) for the rest (HEAD) and for the OpenAPI document.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from fakes._common import describe, read_body, try_json
from fakes._common.body import parse_form
from fakes._common.hot import Handler, HotRequest, Reply, error_reply, html_reply, json_reply
from fakes.payment import epay
from fakes.payment.double_pay import plan_double
from fakes.payment.notifier import Notifier
from fakes.payment.refund import refund_reply
from fakes.payment.state import GatewayState
from runtime.loopback import NonLoopbackError, ensure_loopback

REQUIRED = ("pid", "type", "out_trade_no", "notify_url", "name", "money", "sign")
MAX_URL = 2048
URL_CHECKS_KEEP = 256
_TEXT = {"type": "string"}
CREATE_FIELDS: dict[str, Any] = {"type": "object", "properties": {
    name: _TEXT for name in (*REQUIRED, "sign_type", "return_url", "param")}}
QUERY_FIELDS = {name: _TEXT for name in ("act", "pid", "key", "out_trade_no", "trade_no",
                                          "money")}


def _fail(msg: str, code: int = -1) -> Reply:
    return json_reply({"code": code, "msg": msg})


def _merge_body(fields: dict[str, str], body: bytes, content_type: str) -> dict[str, str]:
    if "json" in content_type:
        data = try_json(body)
        if isinstance(data, dict):
            fields.update({k: str(v) for k, v in data.items() if v is not None})
    else:  # urlencoded form; parsed by hand (no python-multipart dependency)
        fields.update(parse_form(body.decode("utf-8", "replace")))
    return fields


async def _fields(request: Request) -> dict[str, str]:
    """Query string merged with a form or JSON body (epay clients send any of them)."""
    fields = dict(request.query_params)
    if request.method == "POST":
        body = await read_body(request)
        return _merge_body(fields, body, request.headers.get("content-type", ""))
    return fields


def _hot_fields(request: HotRequest) -> dict[str, str]:
    """`_fields` for the fast lane."""
    fields = request.query()
    if request.method == "POST":
        return _merge_body(fields, request.body(), request.header(b"content-type"))
    return fields


def _response(reply: Reply) -> Response:
    status, media_type, body = reply
    return Response(body, status, media_type=media_type.decode())


def _stamp(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def _notify_url_problem(url: str, state: GatewayState) -> str | None:
    """Why `url` cannot be a notify_url, or None; remembered per URL (a shop sends one or
    two, and resolving the host for the loopback rule is the costly part)."""
    cache = state.url_checks
    if url in cache:
        return cache[url]
    problem = _url_problem(url, state)
    if len(cache) < URL_CHECKS_KEEP:
        cache[url] = problem
    return problem


def _url_problem(url: str, state: GatewayState) -> str | None:
    if len(url) > MAX_URL or not url.startswith(("http://", "https://")):
        return f"notify_url must be an http(s) URL of at most {MAX_URL} characters"
    try:
        ensure_loopback(url, allow=state.allow_non_loopback, what="notify_url")
    except NonLoopbackError as exc:
        return str(exc)
    except ValueError as exc:  # a URL urlsplit or the resolver cannot read
        return f"notify_url {url[:80]!r} is not a readable URL: {exc}"
    return None


def _create_payment(state: GatewayState, notifier: Notifier,
                    f: dict[str, str]) -> dict[str, Any] | str:
    """The payment the signed fields ask for (new or the same one again), or why not."""
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
        notifier.plan_forgery(payment)  # the `forge` knob: paid or not, an adversary writes
        return payment
    if existing["money"] != epay.money_str(money):
        return "订单号已存在 (out_trade_no reused with another amount)"
    return existing


def create_reply(state: GatewayState, notifier: Notifier, f: dict[str, str], path: str,
                 base_url: Callable[[], str]) -> Reply:
    """Create a payment (epay submit.php / mapi.php fields, MD5-signed).

    mapi.php answers JSON; submit.php too, unless the `submit_reply` knob is
    `html`: then it answers like real epay's page, a script that sends the
    browser to the pay URL (shops such as kamiFaka parse it server-side).
    """
    payment = _create_payment(state, notifier, f)
    html = path.endswith("/submit.php") and state.behaviour["submit_reply"] == "html"
    if isinstance(payment, str):
        return html_reply(f"<h3>{escape(payment)}</h3>") if html else _fail(payment)
    payurl = f"{base_url()}pay/{payment['trade_no']}"
    if html:
        return html_reply(f"<script>window.location.href='{escape(payurl)}';</script>")
    return json_reply({"code": 1, "msg": "ok", "trade_no": payment["trade_no"],
                       "out_trade_no": payment["out_trade_no"], "payurl": payurl})


def pay_reply(state: GatewayState, notifier: Notifier, trade_no: str) -> Reply:
    """The buyer pays: marks the payment paid and schedules its notify (idempotent)."""
    payment = state.by_trade.get(trade_no)
    if payment is None:
        return error_reply(f"no payment with trade_no {trade_no[:64]!r}; create one first", 404)
    already = payment["status"] == "paid"
    if not already:
        payment["status"] = "paid"
        payment["paid_at"] = state.clock.now()
        notifier.plan(payment)
        plan_double(state, notifier, payment)  # the `double_pay` knob: the buyer pays again
    return json_reply({"trade_no": trade_no, "out_trade_no": payment["out_trade_no"],
                       "status": "paid", "money": payment["money"], "already_paid": already})


def _status(payment: dict[str, Any]) -> int:
    """epay's order status: 0 unpaid, 1 paid, 2 refunded in full."""
    if payment["status"] != "paid":
        return 0
    return 2 if Decimal(payment.get("refunded") or "0") >= Decimal(payment["money"]) else 1


def _order_view(state: GatewayState, payment: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": 1, "msg": "查询订单号成功！", "trade_no": payment["trade_no"],
        "out_trade_no": payment["out_trade_no"], "type": payment["type"],
        "pid": state.merchant.pid, "addtime": _stamp(payment["created_at"]),
        "endtime": _stamp(payment["paid_at"]), "name": payment["name"],
        "money": payment["money"], "param": payment["param"],
        "status": _status(payment),
    }


def api_reply(state: GatewayState, f: dict[str, str]) -> Reply:
    """epay merchant API: act=order (query by out_trade_no or trade_no), act=refund."""
    if f.get("act") not in ("order", "query", "refund"):
        return _fail("No Act!", -5)
    if f.get("pid") != state.merchant.pid or f.get("key") != state.merchant.key:
        return _fail("KEY校验失败", -3)
    if f["act"] == "refund":
        return refund_reply(state, f)
    if f.get("out_trade_no"):
        payment = state.by_out.get(f["out_trade_no"])
    elif f.get("trade_no"):
        payment = state.by_trade.get(f["trade_no"])
    else:
        return _fail("缺少参数 out_trade_no 或 trade_no")
    if payment is None:
        return _fail("订单号不存在")
    return json_reply(_order_view(state, payment))


# -- Starlette endpoints (HEAD, and the OpenAPI document) -----------------------
@describe(query=CREATE_FIELDS["properties"], form=CREATE_FIELDS, body=CREATE_FIELDS)
async def create(request: Request) -> Response:
    """Create a payment (epay submit.php / mapi.php fields, MD5-signed).

    mapi.php answers JSON; submit.php too, unless the `submit_reply` knob is
    `html`: then it answers like real epay's page, a script that sends the
    browser to the pay URL (shops such as kamiFaka parse it server-side).
    """
    app = request.app.state
    return _response(create_reply(app.gateway, app.notifier, await _fields(request),
                                  request.url.path, lambda: str(request.base_url)))


async def pay(request: Request) -> Response:
    """The buyer pays: marks the payment paid and schedules its notify (idempotent)."""
    app = request.app.state
    return _response(pay_reply(app.gateway, app.notifier, request.path_params["trade_no"]))


@describe(query=QUERY_FIELDS, form={"type": "object", "properties": QUERY_FIELDS})
async def api(request: Request) -> Response:
    """epay merchant API: act=order (query by out_trade_no or trade_no), act=refund (pid,
    key, trade_no or out_trade_no, money)."""
    return _response(api_reply(request.app.state.gateway, await _fields(request)))


def hot_routes(state: GatewayState, notifier: Notifier
               ) -> tuple[dict[tuple[str, str], Handler], dict[tuple[str, str], Handler]]:
    """The same endpoints for the fast lane: (exact paths, "/pay/" + trade_no), every method
    `ROUTES` declares."""
    def create_hot(r: HotRequest) -> Reply:
        return create_reply(state, notifier, _hot_fields(r), r.path, r.base_url)

    def pay_hot(r: HotRequest) -> Reply:
        return pay_reply(state, notifier, r.param)

    def api_hot(r: HotRequest) -> Reply:
        return api_reply(state, _hot_fields(r))

    exact: dict[tuple[str, str], Handler] = {
        ("GET", "/submit.php"): create_hot, ("POST", "/submit.php"): create_hot,
        ("POST", "/mapi.php"): create_hot, ("GET", "/api.php"): api_hot,
        ("POST", "/api.php"): api_hot}
    return exact, {("POST", "/pay/"): pay_hot}


ROUTES: list[BaseRoute] = [
    Route("/submit.php", create, methods=["GET", "POST"]),
    Route("/mapi.php", create, methods=["POST"]),
    Route("/pay/{trade_no}", pay, methods=["POST"]),
    Route("/api.php", api, methods=["GET", "POST"]),
]
