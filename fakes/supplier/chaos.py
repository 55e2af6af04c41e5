"""How a misbehaving supplier answers: latency, injected errors, broken bodies, dropped replies.

Dropping a connection needs the socket, which ASGI hides; `TransportGrab` (the
outermost middleware) remembers uvicorn's transport in the scope so a handler
can close it without writing a byte, exactly like a peer that went away.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from fakes.supplier.state import SupplierState

NGINX_PAGE = ("<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
              "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
              "</body>\r\n</html>\r\n")
BUSY_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>系统繁忙</title></head>"
             "<body><h1>系统繁忙，请稍后再试</h1><p>System busy, please retry later.</p>"
             "</body></html>")
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out", 429: "Too Many Requests"}


class TransportGrab:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            owner = getattr(send, "__self__", None)
            scope["fake.transport"] = getattr(owner, "transport", None)
        await self.app(scope, receive, send)


def err(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "error_message": message},
                        status_code=status)


def draw_latency_ms(state: SupplierState) -> float:
    """This call's latency (scenario ms) from the latency knobs and the seeded stream."""
    b = state.behaviour
    base, jitter = b["latency_ms"], b["latency_jitter_ms"]
    if base <= 0 and jitter <= 0:
        return 0.0
    rng = state.rng("latency")
    dist = b["latency_dist"]
    ms: float = base
    if jitter > 0 and dist == "uniform":
        ms += rng.uniform(0, jitter)
    elif jitter > 0 and dist == "normal":
        ms = max(0.0, rng.gauss(base, jitter))
    elif jitter > 0 and dist == "exponential":
        ms += rng.expovariate(1.0 / jitter)
    return ms


async def latency(state: SupplierState) -> None:
    ms = draw_latency_ms(state)
    if ms > 0:
        await asyncio.sleep(state.wall_ms(ms))


def injected_error(state: SupplierState) -> Response | None:
    """An HTTP error as the real stack would send it (JSON from the app, HTML from nginx)."""
    b = state.behaviour
    if not b["error_codes"] or not state.rng.chance("errors", b["error_rate"]):
        return None
    status = state.rng("errors").choice(b["error_codes"])
    if status == 500:
        return err(500, "internal_error", "internal server error")
    if status == 429:
        resp = err(429, "too_many_requests", "rate limit exceeded, retry later")
        resp.headers["Retry-After"] = "1"
        return resp
    page = NGINX_PAGE.format(code=status, reason=REASONS[status])
    return Response(page, status_code=status, media_type="text/html")


def ok_body(order: dict[str, Any]) -> bytes:
    return json.dumps({"ok": True, "data": order}, ensure_ascii=False).encode()


def truncated(order: dict[str, Any]) -> Response:
    body = ok_body(order)
    return Response(body[: max(1, len(body) // 2)], media_type="application/json")


def html_page() -> Response:
    return Response(BUSY_PAGE, status_code=200, media_type="text/html")


async def drop_or_hold(state: SupplierState, scope: Scope, order: dict[str, Any]) -> Response:
    """Keys are committed; now the reply never comes in time."""
    if state.behaviour["commit_timeout_mode"] == "close":
        transport = scope.get("fake.transport")
        if transport is not None:
            transport.close()
            return Response(b"", status_code=200)  # never written: the peer is gone
    await asyncio.sleep(state.behaviour["hold_s"] / state.time_scale)
    return Response(ok_body(order), media_type="application/json")
