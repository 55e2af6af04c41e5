"""The tiny HTTP interface buyer steps speak, so one adapter runs in Locust and in the conductor.

`HttpClient` is all an adapter may use: `get` and `post` returning an
`HttpReply`. Transport failures (refused, reset, timeout) never raise: they
come back as `status == 0` with `error` set, the way Locust's FastHttpSession
reports them, so a step can tell "definitely not" (4xx) from "unknown"
(0 or 5xx). `HttpxClient` is the conductor's implementation.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx


@dataclass(frozen=True, slots=True)
class HttpReply:
    """One answer: status 0 means no HTTP answer at all (see `error`)."""

    status: int
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str = ""

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return jsonlib.loads(self.text)
        except ValueError:
            return None

    @property
    def unknown(self) -> bool:
        """No answer or a server error: the request may or may not have taken effect."""
        return self.status == 0 or self.status >= 500

    def describe(self) -> str:
        return f"HTTP {self.status}: {self.error or self.text[:200]}"


class HttpClient(Protocol):
    """What an adapter needs from an HTTP client; `name` groups requests in load statistics."""

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply: ...

    def post(self, url: str, *, json: Any = None, form: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply: ...


class HttpxClient:
    """`HttpClient` over a blocking `httpx.Client` (the conductor, `target check`, tests)."""

    def __init__(self, timeout_s: float = 10.0, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=timeout_s)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        return self._send("GET", url, params=dict(params or {}), headers=dict(headers or {}))

    def post(self, url: str, *, json: Any = None, form: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        kw: dict[str, Any] = {"headers": dict(headers or {})}
        if form is not None:
            kw["data"] = dict(form)
        elif json is not None:
            kw["json"] = json
        return self._send("POST", url, **kw)

    def _send(self, method: str, url: str, **kw: Any) -> HttpReply:
        try:
            r = self._client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            return HttpReply(0, error=f"{type(exc).__name__}: {exc}")
        return HttpReply(r.status_code, r.text, dict(r.headers))
