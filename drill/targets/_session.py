"""`HttpClient` over any requests-like session (Locust's FastHttpSession, requests, httpx).

The session needs `get(url, headers=, name=)` and `post(url, data=|json=,
headers=, name=)` (the `name` keyword only when `pass_name`: the step's name,
else the URL path) returning an object with `status_code`, `text` and
optionally `headers` — Locust's FastHttpSession and drill.load's LeanClient
both fit. Query strings are encoded
here, so the session need not accept `params`. Whatever the session raises
(or a status 0 it reports, as FastHttpSession does on connection errors)
becomes `HttpReply(0, error=...)`: an unknown outcome, never an exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from drill.targets._http import HttpReply

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class SessionClient:
    """Wrap `session`; `pass_name=True` (Locust sessions) forwards `name=` for request stats."""

    def __init__(self, session: Any, *, pass_name: bool = False) -> None:
        self.session, self.pass_name = session, pass_name

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        if params:
            url += ("&" if "?" in url else "?") + urlencode(dict(params))
        return self._call("get", url, name, headers=dict(headers or {}))

    def post(self, url: str, *, json: Any = None, form: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        kw: dict[str, Any] = {"headers": dict(headers or {})}
        if form is not None:
            kw["data"] = urlencode(dict(form))
            kw["headers"] = {**_FORM, **kw["headers"]}
        elif json is not None:
            kw["json"] = json
        return self._call("post", url, name, **kw)

    def _call(self, method: str, url: str, name: str | None, **kw: Any) -> HttpReply:
        if self.pass_name:
            kw["name"] = name or urlsplit(url).path
        try:
            resp = getattr(self.session, method)(url, **kw)
            status = int(resp.status_code or 0)
            text = str(resp.text or "") if status else ""
            raw_headers = getattr(resp, "headers", None) or {}  # LeanResponse has none
            headers = {str(k): str(v) for k, v in dict(raw_headers).items()}
        except Exception as exc:  # the session's own transport errors: outcome unknown
            return HttpReply(0, error=f"{type(exc).__name__}: {exc}")
        error = "" if status else str(getattr(resp, "error", "") or "no HTTP answer")
        return HttpReply(status, text, headers, error)
