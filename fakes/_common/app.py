"""Build a fake's Starlette app and run it under the READY protocol.

Every fake is the same shape: protocol routes + control routes + /healthz +
/openapi.json, JSON errors, and a CLI that binds 127.0.0.1 and prints READY.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common.control import FakeState, control_routes
from fakes._common.errors import error_handlers
from fakes._common.openapi import openapi_schema
from runtime.serve import add_server_args, bind_socket, serve


async def healthz(request: Request) -> Response:
    """Liveness: {"ok": true}."""
    return JSONResponse({"ok": True})


async def openapi(request: Request) -> Response:
    """This document: every protocol and /_fake/ control route of the fake."""
    return JSONResponse(request.app.state.openapi)


def build_app(title: str, routes: list[BaseRoute], state: FakeState, lifespan: Any = None,
              extra_stats: Callable[[], dict[str, Any]] | None = None) -> Starlette:
    """The fake's app: its routes, the shared control routes, /healthz and /openapi.json.

    `state` is kept as ``app.state.fake`` for the control routes.
    """
    all_routes: list[BaseRoute] = [*routes, *control_routes(),
                                   Route("/healthz", healthz, methods=["GET"]),
                                   Route("/openapi.json", openapi, methods=["GET"])]
    app = Starlette(routes=all_routes, exception_handlers=error_handlers(), lifespan=lifespan)
    app.state.openapi = openapi_schema(title, all_routes)
    app.state.fake = state
    app.state.extra_stats = extra_stats
    return app


def base_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_server_args(parser)
    parser.add_argument("--seed", type=int, default=1, help="seed for every random choice")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="compression: a scenario duration d lasts d/X wall seconds")
    parser.add_argument("--behaviour", default=None,
                        help="start-up behaviour as JSON object or @file.json")
    return parser


def run(args: argparse.Namespace, make_app: Callable[[], Any], **ready_extra: Any) -> None:
    if not args.time_scale > 0 or args.time_scale == float("inf"):
        raise SystemExit(f"error: --time-scale {args.time_scale} must be a finite number > 0")
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    serve(make_app(), sock, **ready_extra)
