"""The Toxiproxy v2 HTTP API as the stack and the fault executor need it.

A plain httpx client of its own per Toxiproxy (no process-global client
state), so two stacks in one process never talk to each other's server.
Every failure is a `FaultError` naming the link, the call and the answer.
"""

from __future__ import annotations

from typing import Any

import httpx

from drill.errors import FaultError, StackError

TIMEOUT_S = 10.0


class ToxiproxyClient:
    def __init__(self, api_url: str, kind: str, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url, self.kind = api_url.rstrip("/"), kind
        self._http = httpx.Client(base_url=self.url, timeout=TIMEOUT_S, trust_env=False,
                                  transport=transport)
        self.links: dict[str, str] = {}           # link name -> "127.0.0.1:port"

    def version(self) -> str:
        try:
            r = self._http.get("/version")
            r.raise_for_status()
        except httpx.HTTPError as exc:
            raise StackError(f"Toxiproxy at {self.url} did not answer GET /version: {exc}") from exc
        try:
            data = r.json()
        except ValueError:
            return r.text.strip()                 # older servers answer plain text
        return str(data.get("version", "?")) if isinstance(data, dict) else str(data)

    def create(self, name: str, upstream: str, listen: str = "127.0.0.1:0") -> str:
        """A fresh proxy `name` -> `upstream` on `listen` (default a free loopback port); its
        listen address."""
        if self._call("GET", f"/proxies/{name}", name, missing_ok=True) is not None:
            self._call("DELETE", f"/proxies/{name}", name)    # left over from an earlier run
        proxy = self._call("POST", "/proxies", name, json={
            "name": name, "upstream": upstream, "listen": listen, "enabled": True})
        self.links[name] = str(proxy["listen"])
        return self.links[name]

    def repoint(self, name: str, upstream: str) -> None:
        self._call("POST", f"/proxies/{name}", name,
                   json={"upstream": upstream, "listen": self.links[name]})

    def url_of(self, name: str) -> str:
        return f"http://{self.links[name]}"

    def add_toxic(self, link: str, toxic: str, kind: str, params: dict[str, Any]) -> None:
        attrs = {k: v for k, v in params.items() if k not in ("stream", "toxicity")}
        self._call("POST", f"/proxies/{link}/toxics", link, json={
            "name": toxic, "type": kind, "stream": params.get("stream", "downstream"),
            "toxicity": float(params.get("toxicity", 1.0)), "attributes": attrs})

    def remove_toxic(self, link: str, toxic: str) -> None:
        if toxic in self.toxics(link):
            self._call("DELETE", f"/proxies/{link}/toxics/{toxic}", link)

    def set_enabled(self, link: str, enabled: bool) -> None:
        self._call("POST", f"/proxies/{link}", link, json={"enabled": enabled})

    def toxics(self, link: str) -> list[str]:
        return sorted(str(t["name"]) for t in self._call("GET", f"/proxies/{link}/toxics", link))

    def is_enabled(self, link: str) -> bool:
        return bool(self._call("GET", f"/proxies/{link}", link)["enabled"])

    def accepted_connections(self, link: str) -> int | None:
        """Connections the link's proxy accepted so far: the embedded server's extension
        (`GET /proxies/{p}/connections`); None from a server without it (Go's: a 404)."""
        body = self._call("GET", f"/proxies/{link}/connections", link, missing_ok=True)
        return None if body is None else int(body["accepted"])

    def destroy_links(self) -> None:
        for name in list(self.links):
            self._call("DELETE", f"/proxies/{name}", name, missing_ok=True)
            self.links.pop(name, None)

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, link: str, *, json: Any = None,
              missing_ok: bool = False) -> Any:
        """One API call; its JSON body (None for 204, or for 404 when `missing_ok`)."""
        try:
            r = self._http.request(method, path, json=json)
        except httpx.HTTPError as exc:
            raise FaultError(f"Toxiproxy at {self.url}: {method} {path} for link {link!r} "
                             f"failed: {exc}") from exc
        if r.status_code == 404 and missing_ok:
            return None
        if r.status_code == 404:
            known = ", ".join(sorted(self.links)) or "none"
            raise FaultError(f"Toxiproxy has no proxy {link!r} (links of this stack: {known})")
        if r.status_code >= 400:
            raise FaultError(f"Toxiproxy at {self.url}: {method} {path} for link {link!r} "
                             f"answered {r.status_code}: {r.text[:300]}")
        return r.json() if r.content else None
