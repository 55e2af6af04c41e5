"""The Toxiproxy v2 HTTP API as a raw ASGI app, byte-compatible with Go's server.

Raw ASGI rather than a framework router because exactness is the point:
gorilla/mux's bare 404 (`404 page not found\n`) and empty-bodied 405, Go's
`http.Error` bodies and headers, the `Mozilla/` 403 and the request-id header
on routed responses only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fakes.toxiproxy.collection import PopulateError, ProxyCollection
from fakes.toxiproxy.encoding import marshal
from fakes.toxiproxy.errors import ERR_BODY_TOO_LARGE, ERR_TOXIC_NOT_FOUND, ApiError, internal
from fakes.toxiproxy.metrics import CONTENT_TYPE
from fakes.toxiproxy.openapi import openapi_document

VERSION = "2.12.0"
MAX_BODY_BYTES = 1 << 20  # Go reads any size; 1 MiB is ~5,000 populate entries
HANDLER_TIMEOUT = 25.0  # Go's timeoutMiddleware: http.TimeoutHandler(next, 25*time.Second, "")
_TIMEOUT_BODY = b"<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>"

log = logging.getLogger("fakes.toxiproxy")

Response = tuple[int, list[tuple[bytes, bytes]], bytes]
Handler = Callable[["Api", dict[str, str], bytes], Awaitable[Response]]

_JSON = [(b"content-type", b"application/json")]
_TEXT = [(b"content-type", b"text/plain; charset=utf-8"), (b"x-content-type-options", b"nosniff")]
_XID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"


def go_error(message: str, status: int) -> Response:
    """Go's `http.Error`: text/plain, nosniff, message plus newline."""
    return status, list(_TEXT), message.encode() + b"\n"


def api_error(err: ApiError) -> Response:
    return go_error(marshal({"error": err.message, "status": err.status}).decode(), err.status)


def ok_json(obj: Any, status: int = 200) -> Response:
    return status, list(_JSON), marshal(obj)


def no_content() -> Response:
    return 204, [], b""


def request_id() -> str:
    """A 20-character id shaped like the xid values Go's hlog puts in the header."""
    raw = int.from_bytes(os.urandom(13), "big")
    return "".join(_XID_ALPHABET[(raw >> (5 * i)) & 31] for i in range(20))


class Api:
    """Route table + handlers over a `ProxyCollection`."""

    def __init__(
        self, collection: ProxyCollection, *, handler_timeout: float = HANDLER_TIMEOUT
    ) -> None:
        self.collection = collection
        self.handler_timeout = handler_timeout
        self._late: set[asyncio.Task[Response]] = set()  # handlers that outlived their timeout
        seg = r"(?P<%s>[^/]+)"
        self.routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
            (re.compile(r"^/reset$"), {"POST": Api.reset}),
            (re.compile(r"^/populate$"), {"POST": Api.populate}),
            (re.compile(r"^/proxies$"), {"GET": Api.proxy_index, "POST": Api.proxy_create}),
            (re.compile(rf"^/proxies/{seg % 'proxy'}$"), {
                "GET": Api.proxy_show, "POST": Api.proxy_update,
                "PATCH": Api.proxy_update, "DELETE": Api.proxy_delete,
            }),
            (re.compile(rf"^/proxies/{seg % 'proxy'}/toxics$"), {
                "GET": Api.toxic_index, "POST": Api.toxic_create,
            }),
            (re.compile(rf"^/proxies/{seg % 'proxy'}/toxics/{seg % 'toxic'}$"), {
                "GET": Api.toxic_show, "POST": Api.toxic_update,
                "PATCH": Api.toxic_update, "DELETE": Api.toxic_delete,
            }),
            (re.compile(rf"^/proxies/{seg % 'proxy'}/connections$"), {"GET": Api.connections}),
            (re.compile(r"^/version$"), {"GET": Api.version}),
            (re.compile(r"^/openapi\.json$"), {"GET": Api.openapi}),
        ]
        if collection.metrics is not None:  # Go serves /metrics only with a metrics flag
            self.routes.append((re.compile(r"^/metrics$"), {"GET": Api.metrics}))

    # -- ASGI -----------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        status, headers, body = await self.dispatch(scope, receive)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def dispatch(self, scope: dict[str, Any], receive: Any) -> Response:
        path: str = scope["path"]
        for pattern, methods in self.routes:
            match = pattern.match(path)
            if match is None:
                continue
            handler = methods.get(scope["method"])
            if handler is None:
                return 405, [], b""
            body = await _read_body(receive)
            if body is None:
                status, headers, payload = api_error(ERR_BODY_TOO_LARGE.joined(
                    f"over {MAX_BODY_BYTES} bytes; send at most 1 MiB (split a populate)"))
            else:
                status, headers, payload = await self._routed(
                    scope, handler, match.groupdict(), body)
            headers.append((b"x-toxiproxy-request-id", request_id().encode()))
            return status, headers, payload
        return go_error("404 page not found", 404)

    async def _routed(
        self, scope: dict[str, Any], handler: Handler, params: dict[str, str], body: bytes
    ) -> Response:
        for key, value in scope.get("headers", []):
            if key == b"user-agent" and value.startswith(b"Mozilla/"):
                return go_error("User agent not allowed", 403)
        task = asyncio.ensure_future(self._answer(scope, handler, params, body))
        done, _ = await asyncio.wait({task}, timeout=self.handler_timeout)
        if task in done:
            return task.result()
        # Go's TimeoutHandler answers 503 but lets the handler run on; so do we.
        self._late.add(task)
        task.add_done_callback(self._late.discard)
        return 503, [(b"content-type", b"text/html; charset=utf-8")], _TIMEOUT_BODY

    async def _answer(
        self, scope: dict[str, Any], handler: Handler, params: dict[str, str], body: bytes
    ) -> Response:
        try:
            return await handler(self, params, body)
        except ApiError as err:
            return api_error(err)
        except Exception as exc:  # a bug, never bad input: still answer in Go's shape
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            return api_error(internal(f"internal error: {type(exc).__name__}: {exc}"))

    # -- handlers -------------------------------------------------------------
    async def version(self, params: dict[str, str], body: bytes) -> Response:
        content = f'{{"version": "{VERSION}"}}\n'.encode()
        return 200, [(b"content-type", b"application/json;charset=utf-8")], content

    async def openapi(self, params: dict[str, str], body: bytes) -> Response:
        """Ours, not Go's: the routes as OpenAPI 3, for schemathesis and readers."""
        return ok_json(openapi_document(VERSION, metrics=self.collection.metrics is not None))

    async def metrics(self, params: dict[str, str], body: bytes) -> Response:
        assert self.collection.metrics is not None
        return 200, [(b"content-type", CONTENT_TYPE)], self.collection.metrics.exposition()

    async def reset(self, params: dict[str, str], body: bytes) -> Response:
        await self.collection.reset()
        return no_content()

    async def populate(self, params: dict[str, str], body: bytes) -> Response:
        try:
            proxies = await self.collection.populate_json(body)
        except PopulateError as exc:
            listed = [p.to_json() for p in exc.proxies] if exc.proxies else None
            payload = {"error": exc.error.message, "status": exc.error.status, "proxies": listed}
            return ok_json(payload, exc.error.status)
        return ok_json({"proxies": [p.to_json() for p in proxies] or None}, 201)

    async def proxy_index(self, params: dict[str, str], body: bytes) -> Response:
        proxies = self.collection.proxies
        return ok_json({name: proxies[name].to_json() for name in sorted(proxies)})

    async def proxy_create(self, params: dict[str, str], body: bytes) -> Response:
        proxy = await self.collection.create_json(body)
        return ok_json(proxy.to_json(), 201)

    async def proxy_show(self, params: dict[str, str], body: bytes) -> Response:
        return ok_json(self.collection.get(params["proxy"]).to_json())

    async def proxy_update(self, params: dict[str, str], body: bytes) -> Response:
        proxy = await self.collection.update_json(params["proxy"], body)
        return ok_json(proxy.to_json())

    async def proxy_delete(self, params: dict[str, str], body: bytes) -> Response:
        await self.collection.delete(params["proxy"])
        return no_content()

    async def connections(self, params: dict[str, str], body: bytes) -> Response:
        """Ours, not Go's (Go answers 404): connections accepted so far, and open now."""
        proxy = self.collection.get(params["proxy"])
        return ok_json({"name": proxy.name, "accepted": proxy.accepted, "open": len(proxy.conns)})

    async def toxic_index(self, params: dict[str, str], body: bytes) -> Response:
        proxy = self.collection.get(params["proxy"])
        return ok_json([w.to_json() for w in proxy.toxics.ordered()])

    async def toxic_create(self, params: dict[str, str], body: bytes) -> Response:
        proxy = self.collection.get(params["proxy"])
        async with self.collection.lock:
            wrapper = proxy.toxics.add_json(body)
        return ok_json(wrapper.to_json())

    async def toxic_show(self, params: dict[str, str], body: bytes) -> Response:
        proxy = self.collection.get(params["proxy"])
        wrapper = proxy.toxics.find(params["toxic"])
        if wrapper is None:
            raise ERR_TOXIC_NOT_FOUND
        return ok_json(wrapper.to_json())

    async def toxic_update(self, params: dict[str, str], body: bytes) -> Response:
        proxy = self.collection.get(params["proxy"])
        async with self.collection.lock:
            wrapper = proxy.toxics.update_json(params["toxic"], body)
        return ok_json(wrapper.to_json())

    async def toxic_delete(self, params: dict[str, str], body: bytes) -> Response:
        proxy = self.collection.get(params["proxy"])
        async with self.collection.lock:
            proxy.toxics.remove(params["toxic"])
        return no_content()


async def _read_body(receive: Any) -> bytes | None:
    """The whole request body, or None once it passes `MAX_BODY_BYTES`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)
