"""A fast lane for a fake's hottest protocol routes: plain ASGI in front of its Starlette app.

Why: per order the gateway answers a payment creation and a pay, at drill rate.
Profiled in bench/harness_cost.py, Starlette's layers around those two handlers
(two middlewares, the router's regex matching, Request/URL/QueryParams objects,
Response objects) cost about as much as the handlers. `HotLane` answers only the
(method, path) pairs it is given, with the same bytes Starlette would send (JSON
rendered like JSONResponse, the same headers, a 413 for an oversized body, a JSON
500 for a crash); every other request — HEAD, wrong methods, unknown paths, the
/_fake/ control API, lifespan — goes to the wrapped app unchanged, and attribute
reads (``.state``, ``.routes``) reach it too. Handlers are plain functions, so
the server can also answer them without any ASGI cycle (`fast_match` /
`fast_call`, runtime/fastpath.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from fakes._common.body import MAX_BODY_BYTES, parse_form
from fakes._common.errors import BadRequest

log = logging.getLogger("fakes")
Reply = tuple[int, bytes, bytes]      # status, content-type, body
JSON_TYPE = b"application/json"
HTML_TYPE = b"text/html; charset=utf-8"
BASE_CACHE = 64
_render = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def json_reply(content: Any, status: int = 200) -> Reply:
    """What `JSONResponse(content, status)` sends."""
    return status, JSON_TYPE, _render(content).encode("utf-8")


def error_reply(message: str, status: int = 400) -> Reply:
    """What `fakes._common.json_error` sends."""
    return json_reply({"error": message, "status": status}, status)


def html_reply(text: str, status: int = 200) -> Reply:
    return status, HTML_TYPE, text.encode("utf-8")


@dataclass(slots=True)
class HotRequest:
    """One request of the fast lane: its scope, whole body and the path's last segment."""

    scope: dict[str, Any]
    raw: bytes
    param: str
    lane: HotLane

    def body(self) -> bytes:
        """The body, as `read_body` returns it: BadRequest 413 when over MAX_BODY_BYTES
        (declared or actual)."""
        declared = self.header(b"content-length")
        if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise BadRequest(f"request body of {declared} bytes is over {MAX_BODY_BYTES}", 413)
        if len(self.raw) > MAX_BODY_BYTES:
            raise BadRequest(f"request body of {len(self.raw)} bytes is over {MAX_BODY_BYTES}",
                             413)
        return self.raw

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def path(self) -> str:
        return str(self.scope["path"])

    def query(self) -> dict[str, str]:
        """`dict(request.query_params)`: blank values kept, the last of a repeated name."""
        qs = self.scope.get("query_string", b"")
        return dict(parse_form(qs.decode("latin-1"))) if qs else {}

    def header(self, name: bytes) -> str:
        for key, value in self.scope["headers"]:
            if key == name:
                return str(value.decode("latin-1"))
        return ""

    def base_url(self) -> str:
        """`str(request.base_url)`, remembered per Host header and server address."""
        key = (self.header(b"host"), self.scope.get("scheme"), self.scope.get("server"),
               self.scope.get("root_path", ""))
        cache = self.lane.base_urls
        url = cache.get(key)
        if url is None:
            url = str(Request(self.scope).base_url)
            if len(cache) < BASE_CACHE:
                cache[key] = url
        return url


Handler = Callable[[HotRequest], Reply]   # plain functions: no task, no await (runtime/fastpath.py)
Match = tuple[Handler, str]                 # a handler and the path's last segment


class HotLane:
    """ASGI app: `exact` {(method, path): handler} and `prefixed` {(method, "/pay/"): handler}
    (one more non-empty path segment, as Starlette's ``{param}``) answered here, the rest by
    `app`."""

    def __init__(self, app: Any, exact: dict[tuple[str, str], Handler],
                 prefixed: dict[tuple[str, str], Handler] | None = None) -> None:
        self.app = app
        self.exact = exact
        self.prefixed = prefixed or {}
        self.base_urls: dict[tuple[Any, ...], str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["app"], name)

    def _match(self, method: str, path: str) -> tuple[Handler | None, str]:
        handler = self.exact.get((method, path))
        if handler is not None or not self.prefixed:
            return handler, ""
        cut = path.rfind("/") + 1
        param = path[cut:]
        if param:
            handler = self.prefixed.get((method, path[:cut]))
        return handler, param

    def fast_match(self, method: str, path: str) -> Match | None:
        """The handler for (method, path), for the server's fast path (runtime/fastpath.py:
        the request answered inside the parser's callback, no ASGI cycle); None: use ASGI."""
        handler, param = self._match(method, path)
        return None if handler is None else (handler, param)

    def fast_call(self, match: Match, scope: dict[str, Any], body: bytes) -> Reply:
        """The reply to a request `fast_match` took, its whole body read."""
        return self._answer(match[0], match[1], scope, body)

    def _answer(self, handler: Handler, param: str, scope: dict[str, Any], body: bytes) -> Reply:
        try:
            return handler(HotRequest(scope, body, param, self))
        except BadRequest as exc:
            return error_reply(exc.message, exc.status)
        except Exception as exc:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            return error_reply(f"internal error in fake on {scope['path']}: {exc!r}", 500)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            handler, param = self._match(scope["method"], scope["path"])
            if handler is not None:
                await self._serve(handler, param, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, handler: Handler, param: str, scope: dict[str, Any], receive: Any,
                     send: Any) -> None:
        body = await _read(receive)
        if body is None:
            return  # the client went away before its body arrived: nobody to answer
        status, ctype, content = self._answer(handler, param, scope, body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", str(len(content)).encode()),
                                (b"content-type", ctype)]})
        await send({"type": "http.response.body", "body": content})


async def _read(receive: Any) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            return None
        chunks.append(msg.get("body", b""))
        if not msg.get("more_body", False):
            return b"".join(chunks) if len(chunks) > 1 else chunks[0]
