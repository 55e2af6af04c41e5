"""Request parsing and error replies shared by the routes: never a 500 for bad input."""

from __future__ import annotations

import hmac
import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

M = TypeVar("M", bound=BaseModel)
MAX_BODY = 64 * 1024


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def ok(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise ApiError(413, f"request body is {declared} bytes; the limit is {limit}")
        except ValueError as exc:
            raise ApiError(400, "Content-Length header is not a number") from exc
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def parse(request: Request, model: type[M], limit: int = MAX_BODY) -> M:
    raw = await read_body(request, limit)
    if not raw.strip():
        raise ApiError(400, f"empty body; send a JSON object with {sorted(model.model_fields)}")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"malformed JSON body: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "the JSON body must be an object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, describe(exc)) from exc


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        msg = "unknown field (not allowed)" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{where}: {msg}")
    return "invalid request: " + "; ".join(parts)


def require_admin(request: Request, token: str) -> None:
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else ""
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(401, "admin API needs 'Authorization: Bearer <admin_token>'")


def int_param(request: Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(float(raw))
    except ValueError as exc:
        raise ApiError(400, f"query parameter {name}={raw!r} is not a number") from exc
    if not lo <= v <= hi:
        raise ApiError(400, f"query parameter {name}={v} out of range [{lo}, {hi}]")
    return v
