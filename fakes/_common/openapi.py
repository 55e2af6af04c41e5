"""A small OpenAPI 3 document built from the routes, their docstrings and `describe` notes.

Why: the harness, a curious user and schemathesis all need to know every route
of a fake (protocol routes and ``/_fake/`` control routes) without reading code.
Handlers stay plain functions; `describe` only attaches parameters and bodies.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.routing import BaseRoute, Route

F = TypeVar("F", bound=Callable[..., Any])
OPENAPI_ATTR = "__openapi__"
ERROR_SCHEMA = {"type": "object", "properties": {"error": {"type": "string"},
                                                 "status": {"type": "integer"}}}


def describe(*, query: dict[str, dict[str, Any]] | None = None,
             headers: dict[str, dict[str, Any]] | None = None,
             body: dict[str, Any] | None = None,
             form: dict[str, Any] | None = None) -> Callable[[F], F]:
    """Attach OpenAPI query and header parameters (name -> schema) and a JSON or form body."""
    def mark(endpoint: F) -> F:
        setattr(endpoint, OPENAPI_ATTR, {"query": query or {}, "headers": headers or {},
                                         "body": body, "form": form})
        return endpoint
    return mark


def _operation(route: Route) -> dict[str, Any]:
    doc = inspect.getdoc(route.endpoint) or ""
    summary, _, description = doc.partition("\n")
    op: dict[str, Any] = {"summary": summary.strip(), "responses": {
        "200": {"description": "ok"},
        "4XX": {"description": "refused input",
                "content": {"application/json": {"schema": ERROR_SCHEMA}}}}}
    if description.strip():
        op["description"] = description.strip()
    notes: dict[str, Any] = getattr(route.endpoint, OPENAPI_ATTR, {})
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
              for p in route.param_convertors]
    params += [{"name": name, "in": "query", "required": False, "schema": schema}
               for name, schema in notes.get("query", {}).items()]
    params += [{"name": name, "in": "header", "required": False, "schema": schema}
               for name, schema in notes.get("headers", {}).items()]
    if params:
        op["parameters"] = params
    content: dict[str, Any] = {}
    if notes.get("body") is not None:
        content["application/json"] = {"schema": notes["body"]}
    if notes.get("form") is not None:
        content["application/x-www-form-urlencoded"] = {"schema": notes["form"]}
    if content:
        op["requestBody"] = {"required": False, "content": content}
    return op


def openapi_schema(title: str, routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """Every `Route` with its methods (HEAD left out), in route order."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route):
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            paths.setdefault(route.path, {})[method.lower()] = _operation(route)
    return {"openapi": "3.0.3", "info": {"title": title, "version": "1.0"}, "paths": paths}
