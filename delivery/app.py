"""The ASGI app: routes, error handling, background parts per role."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from delivery.api import admin, buyer, notify
from delivery.api.common import ApiError, error, require_admin
from delivery.backoffice import routes as backoffice_routes
from delivery.ctx import Ctx, log
from delivery.monitor import Monitor
from delivery.openapi import document
from delivery.outbox import Outbox
from delivery.risk import Risk
from delivery.worker import Worker


def build_app(ctx: Ctx, role: str = "all") -> Starlette:
    worker = Worker(ctx) if role in ("all", "worker") else None
    openapi = document()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True, "role": role, "worker_id": ctx.worker_id})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(ctx.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi)

    routes: list[Any] = [Route("/healthz", healthz), Route("/metrics", metrics),
                         Route("/openapi.json", openapi_json)]
    if role != "worker":
        routes += buyer.routes(ctx, Risk(ctx.cfg)) + notify.routes(ctx) + admin.routes(ctx)
        routes += backoffice_routes(ctx)  # the merchant back office, /backoffice/ + /admin/audit

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ctx.wake = asyncio.Event()
        ctx.wake_outbox = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        if worker is not None:
            tasks.append(asyncio.create_task(worker.run()))
        if role != "worker":
            breakers = worker.procurer.breakers if worker else None
            tasks += Monitor(ctx, breakers).tasks()
            tasks.append(asyncio.create_task(Outbox(ctx).run()))
        try:
            yield
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if worker is not None:
                await worker.stop()
            if ctx.http is not None:
                await ctx.http.aclose()
            ctx.db.close()

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error(exc.status, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error(exc.status_code, f"{exc.detail} ({request.method} {request.url.path})")

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error(500, "internal error; see the service log")

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        ApiError: api_error, HTTPException: http_error, Exception: crash})

    admin_token = ctx.cfg.admin_token

    async def guard(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/admin"):
            try:
                require_admin(Request(scope), admin_token)
            except ApiError as exc:
                await error(exc.status, exc.message)(scope, receive, send)
                return
        await app(scope, receive, send)

    guard.router = app.router  # type: ignore[attr-defined]
    return guard  # type: ignore[return-value]
