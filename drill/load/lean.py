"""A lean HTTP client for buyer flows: keep-alive pools (drill/load/wire.py), Locust stats kept.

Why: profiled in a 500 orders/s flash sale, Locust's FastHttpSession spent about a
third of the load generator's CPU above the socket layer (UserAgent redirects and
retries, CompatRequest/URL parsing, cookie jar, header merging, response wrapping),
and geventhttpclient under it half of what was left (see wire.py). Buyers need none
of it: plain-http loopback, no redirects, no cookies. This client writes each request
in one send on a pooled connection (one `wire.Origin` per host:port) and still fires
Locust's `request` event per request, so load.json's locust_stats and the progress
tail are unchanged. Same surface as the session the flow used:
`.get(url, name=, headers=)` / `.post(url, name=, json=|data=, headers=)` returning
an object with `status_code`, `text`, `json()` and `error`; a connection failure
or timeout is status 0 (an `info` outcome for the flow). Run inside Locust only.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import orjson

from drill.load.wire import Origin, exchange, request_bytes

_JSON = {"Content-Type": "application/json", "Accept": "application/json"}


class LeanResponse:
    __slots__ = ("content", "error", "status_code")

    def __init__(self, status_code: int, content: bytes, error: BaseException | None) -> None:
        self.status_code, self.content, self.error = status_code, content, error

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as `json.loads` parses it: orjson (~4× cheaper; same values for
        UTF-8 JSON), `json.loads` for what orjson refuses (NaN, ints over 64 bits, UTF-16)."""
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError:
            return json.loads(self.content)


class HTTPStatusError(Exception):
    """A response >= 400, as Locust counts it (a failure in the stats)."""


class LeanClient:
    def __init__(self, fire: Any, *, concurrency: int, connection_timeout: float,
                 network_timeout: float) -> None:
        self.fire = fire  # environment.events.request.fire
        self.concurrency = concurrency  # idle connections kept per origin
        self.connection_timeout, self.network_timeout = connection_timeout, network_timeout
        self._origins: dict[str, tuple[Origin, str]] = {}  # netloc -> (pool, Host header)

    def _target(self, url: str) -> tuple[Origin, str, str]:
        """(pool, request target, Host header) for an absolute http URL."""
        scheme, sep, rest = url.partition("://")
        netloc, slash, tail = rest.partition("/")
        known = self._origins.get(netloc) if scheme == "http" else None
        if known is None:
            parts = urlsplit(url)
            if parts.scheme != "http" or not sep:
                raise ValueError(f"lean client speaks plain http only, not {url!r}")
            origin = Origin(parts.hostname or "127.0.0.1", parts.port or 80,
                            self.connection_timeout, self.network_timeout,
                            max(1, self.concurrency))
            known = self._origins[netloc] = (origin, origin.host_header)
        target = slash + tail if slash else "/"
        if "#" in target:
            target = target.split("#", 1)[0]
        return known[0], target, known[1]

    def request(self, method: str, url: str, *, name: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> LeanResponse:
        start, t0 = time.time(), time.perf_counter()
        status, content = 0, b""
        error: BaseException | None = None
        try:
            origin, target, host = self._target(url)
            status, content = exchange(origin, method,
                                       request_bytes(method, target, host, body, headers))
            if status >= 400:
                error = HTTPStatusError(f"HTTP {status}")
        except Exception as exc:  # connection refused/reset, timeout: outcome unknown
            status, content, error = 0, b"", exc
        self.fire(request_type=method, name=name, response_time=(time.perf_counter() - t0) * 1e3,
                  response_length=len(content), exception=error, context={}, url=url,
                  start_time=start, response=None)
        return LeanResponse(status, content, error)

    def get(self, url: str, *, name: str, headers: dict[str, str] | None = None) -> LeanResponse:
        return self.request("GET", url, name=name, headers=headers)

    def post(self, url: str, *, name: str, json: Any = None, data: bytes | str | None = None,
             headers: dict[str, str] | None = None) -> LeanResponse:
        if json is not None:
            body = _dumps(json)
            headers = {**_JSON, **(headers or {})}
        else:
            body = data.encode() if isinstance(data, str) else (data or b"")
        return self.request("POST", url, name=name, body=body, headers=headers)

    def close(self) -> None:
        for origin, _host in self._origins.values():
            origin.close()
        self._origins.clear()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()
