"""A server fast path: an app's hottest routes answered inside the HTTP parser's callbacks.

Why: profiled in bench/harness_cost.py, the gateway fake's two requests an
order (submit.php, pay) each paid uvicorn's ASGI cycle — a RequestResponseCycle,
an asyncio.Event, a Task running `run_asgi`, the receive/send coroutines and
their message dicts — for handlers that never await. An app that offers
`fast_match(method, path)` (fakes/_common/hot.py's HotLane) has a matching
request answered synchronously when its body is complete: `fast_call(match,
scope, body)` gives (status, content type, body), written with uvicorn's own
status line and default headers (server, date), then Content-Length and
Content-Type, the order HotLane's ASGI answer has, and `connection: close` when
the request asks for it, as uvicorn writes it. Everything else (other routes,
HEAD, `Expect: 100-continue`, an upgrade, a request pipelined behind one still
being answered, a percent-encoded path, a root path) goes through uvicorn
unchanged. Apps without `fast_match` (the reference service) see no change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE

from runtime.coalesce import CoalescingHttpToolsProtocol

__all__ = ["FastPathProtocol"]

FastCall = Callable[[Any, dict[str, Any], bytes], tuple[int, bytes, bytes]]


class FastPathProtocol(CoalescingHttpToolsProtocol):
    """uvicorn's httptools protocol (coalescing writes) with the synchronous fast path."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._fast_match: Callable[[str, str], Any] | None = getattr(self.app, "fast_match", None)
        self._fast_call: FastCall | None = getattr(self.app, "fast_call", None)
        self._fast: Any = None
        self._fast_body = bytearray()
        self._fast_keep = True

    def on_message_begin(self) -> None:
        self._fast = None
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self._fast_match is not None and self._take():
            return
        super().on_headers_complete()

    def _take(self) -> bool:
        """Whether this request goes the fast path (then its scope is filled in here)."""
        if self.expect_100_continue or self.root_path or self.parser.should_upgrade():
            return False
        if self.cycle is not None and not self.cycle.response_complete:
            return False                        # pipelined behind an unfinished answer
        parsed = httptools.parse_url(self.url)
        raw_path = parsed.path
        path = raw_path.decode("ascii")
        if "%" in path:
            return False
        method = self.parser.get_method().decode("ascii")
        assert self._fast_match is not None
        match = self._fast_match(method, path)
        if match is None:
            return False
        version = self.parser.get_http_version()
        scope: Any = self.scope
        scope["method"] = method
        if version != "1.1":
            scope["http_version"] = version
        scope["path"], scope["raw_path"] = path, raw_path
        scope["query_string"] = parsed.query or b""
        self._fast = match
        self._fast_keep = version != "1.0" and self.parser.should_keep_alive()
        self._fast_body = bytearray()
        return True

    def on_body(self, body: bytes) -> None:
        if self._fast is not None:
            self._fast_body += body
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._fast is None:
            super().on_message_complete()
            return
        match, self._fast = self._fast, None
        assert self._fast_call is not None
        scope: Any = self.scope
        status, ctype, content = self._fast_call(match, scope, bytes(self._fast_body))
        self._fast_body = bytearray()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-length: ", str(len(content)).encode(), b"\r\ncontent-type: ", ctype,
                 b"\r\n"]
        if not self._fast_keep:
            head.append(b"connection: close\r\n")
        head += [b"\r\n", content]
        self.transport.write(b"".join(head))
        if not self._fast_keep:
            self.transport.close()
        self.on_response_complete()
