"""The ASGI app: routes per role, error replies, background parts run by the lifespan.

Handlers are module-level functions that read `request.app.state` (`ctx`, `risk`,
`role`, `openapi`); nothing is captured in closures.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from delivery.api import admin, buyer, channels, notify
from delivery.api.common import ApiError, NulGuard, ctx_of, error
from delivery.backoffice import routes as backoffice_routes
from delivery.channel_watch import watch
from delivery.ctx import Ctx, log
from delivery.monitor import Monitor
from delivery.openapi import document
from delivery.outbox import Outbox
from delivery.risk import Risk
from delivery.worker import Worker

ROLES = ("all", "api", "worker")


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True, "role": request.app.state.role,
                         "worker_id": ctx_of(request).worker_id})


async def metrics(request: Request) -> Response:
    return Response(generate_latest(ctx_of(request).metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)


async def openapi_json(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error(exc.status, exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, f"{exc.detail} ({request.method} {request.url.path})")


async def crash(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error(500, "internal error; see the service log")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Start the worker (roles all/worker), the monitor and the outbox (all/api), and the
    channel watch (every process started with a config file)."""
    ctx: Ctx = app.state.ctx
    worker: Worker | None = app.state.worker
    ctx.wake, ctx.wake_outbox = asyncio.Event(), asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    if worker is not None:
        tasks.append(asyncio.create_task(worker.run()))
    config_path = getattr(app.state, "config_path", None)
    if config_path:                       # follow channel changes other processes saved
        tasks.append(asyncio.create_task(watch(config_path, ctx, worker)))
    if app.state.role != "worker" and app.state.background:
        tasks += Monitor(ctx, worker.procurer.breakers if worker else None).tasks()
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
            ctx.http = None
        ctx.db.close()


def build_app(ctx: Ctx, role: str = "all", *, background: bool = True) -> Starlette:
    """The service for one role: `all`, `api` (HTTP + monitor + outbox) or `worker`;
    `background=False`: HTTP only (an api sibling process: the first one runs the rest)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    routes: list[BaseRoute] = [Route("/healthz", healthz), Route("/metrics", metrics),
                               Route("/openapi.json", openapi_json)]
    if role != "worker":
        routes += buyer.ROUTES + notify.ROUTES + admin.ROUTES + channels.ROUTES
        routes += backoffice_routes(ctx)  # the merchant back office, /backoffice/ + /admin/audit
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(NulGuard),
                                Middleware(admin.AdminGuard, token=ctx.cfg.admin_token)],
                    exception_handlers={ApiError: api_error, HTTPException: http_error,
                                        Exception: crash})
    app.state.ctx, app.state.role, app.state.openapi = ctx, role, document()
    app.state.background = background
    app.state.risk = Risk(ctx.cfg)
    app.state.worker = Worker(ctx) if role in ("all", "worker") else None
    return app
