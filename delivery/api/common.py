"""Request parsing and error replies shared by the routes: never a 500 for bad input."""

from __future__ import annotations

import hmac
import json
import math
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from delivery.ctx import Ctx

M = TypeVar("M", bound=BaseModel)
MAX_BODY = 64 * 1024
MAX_DEPTH = 32  # our request bodies are flat objects; deeper JSON is refused before parsing
_NOT_STRUCTURAL = bytes(range(256)).translate(None, b'[]{}"\\')


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL text cannot hold it; no real input carries one
        raise ValueError("must not contain a NUL character")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]  # every free-text field of a request body


class ApiError(Exception):
    """Bad input or a refused action: becomes `{"error", "status"}` with that status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def ctx_of(request: Request) -> Ctx:
    """The service state the app was built with (`app.state.ctx`)."""
    ctx: Ctx = request.app.state.ctx
    return ctx


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
    depth = json_depth(raw)
    if depth > MAX_DEPTH:
        raise ApiError(400, f"JSON body nested {depth} levels deep; the limit is {MAX_DEPTH}")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, f"malformed JSON body: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "the JSON body must be an object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, describe(exc)) from exc


def json_depth(raw: bytes) -> int:
    """Deepest `[`/`{` nesting outside strings, found without parsing (json.loads would
    recurse once per level and can hit the interpreter's recursion limit)."""
    depth = deepest = 0
    in_str = escaped = False
    for ch in raw.translate(None, _NOT_STRUCTURAL):
        if in_str:
            if escaped:
                escaped = False
            elif ch == 0x5C:  # backslash
                escaped = True
            elif ch == 0x22:  # quote
                in_str = False
        elif ch == 0x22:
            in_str = True
        elif ch in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif ch in (0x5D, 0x7D):
            depth -= 1
    return deepest


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
        f = float(raw)
    except ValueError as exc:
        raise ApiError(400, f"query parameter {name}={raw[:40]!r} is not a number") from exc
    if not math.isfinite(f):
        raise ApiError(400, f"query parameter {name}={raw[:40]!r} must be a finite number "
                            f"in [{lo}, {hi}]")
    v = int(f)
    if not lo <= v <= hi:
        raise ApiError(400, f"query parameter {name}={v} out of range [{lo}, {hi}]")
    return v


class NulGuard:
    """ASGI middleware: a NUL character in the path or query string is a 400 up front
    (it would otherwise reach the database as a bound parameter)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = bytes(scope.get("query_string", b"")).lower()
            if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
                await error(400, "NUL character in the URL path or query string; "
                                 "remove it")(scope, receive, send)
                return
        await self.app(scope, receive, send)
