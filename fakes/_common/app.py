"""Build a fake's Starlette app and run it under the READY protocol.

Every fake is the same shape: protocol routes + control routes + /healthz +
/openapi.json, JSON errors, and a CLI that binds 127.0.0.1 and prints READY.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common.errors import error_handlers
from runtime.serve import add_server_args, bind_socket, serve


def openapi_schema(title: str, routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """A small OpenAPI 3 document from the routes and their handlers' docstrings."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route):
            continue
        doc = inspect.getdoc(route.endpoint) or ""
        summary, _, description = doc.partition("\n")
        for method in sorted((route.methods or set()) - {"HEAD"}):
            op: dict[str, Any] = {"summary": summary.strip(),
                                  "responses": {"200": {"description": "ok"}}}
            if description.strip():
                op["description"] = description.strip()
            if route.param_convertors:
                op["parameters"] = [
                    {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                    for p in route.param_convertors
                ]
            paths.setdefault(route.path, {})[method.lower()] = op
    return {"openapi": "3.0.0", "info": {"title": title, "version": "1.0"}, "paths": paths}


def build_app(title: str, routes: list[BaseRoute], lifespan: Any = None) -> Starlette:
    async def healthz(request: Request) -> Response:
        """Liveness: {"ok": true}."""
        return JSONResponse({"ok": True})

    all_routes: list[BaseRoute] = [*routes, Route("/healthz", healthz, methods=["GET"])]
    schema = openapi_schema(title, all_routes)

    async def openapi(request: Request) -> Response:
        """This document."""
        return JSONResponse(schema)

    all_routes.append(Route("/openapi.json", openapi, methods=["GET"]))
    schema["paths"]["/openapi.json"] = {"get": {"summary": "This document.",
                                                "responses": {"200": {"description": "ok"}}}}
    return Starlette(routes=all_routes, exception_handlers=error_handlers(), lifespan=lifespan)


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
    if args.time_scale <= 0:
        raise SystemExit(f"error: --time-scale {args.time_scale} must be > 0")
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    serve(make_app(), sock, **ready_extra)
