"""One error shape for every control API, and a safety net for crashes.

The fakes answer their *real* protocol endpoints in the real services' own
error shapes (handlers do that themselves); everything else — unknown routes,
wrong methods, the /_fake control API and any unexpected exception — answers
``{"error": ..., "status": N}`` so a harness never has to parse an HTML page
from our own code.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("fakes")


class BadRequest(Exception):
    """Raised inside handlers; rendered as a JSON 4xx by `error_handlers`."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def json_error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


async def _http_exc(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail or "error"
    if exc.status_code == 404:
        detail = f"no route {request.method} {request.url.path}; see GET /openapi.json"
    elif exc.status_code == 405:
        detail = f"method {request.method} not allowed on {request.url.path}; see GET /openapi.json"
    return json_error(detail, exc.status_code)


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadRequest)
    return json_error(exc.message, exc.status)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return json_error(f"internal error in fake on {request.url.path}: {exc!r}", 500)


def error_handlers() -> dict[Any, Any]:
    """Exception handlers to pass to `Starlette(exception_handlers=...)`."""
    return {HTTPException: _http_exc, BadRequest: _bad_request, Exception: _crash}
