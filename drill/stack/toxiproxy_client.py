"""The Toxiproxy API as the stack and the fault executor need it (via toxiproxy-python)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer

from drill.errors import FaultError, StackError


class ToxiproxyClient:
    """The Toxiproxy API as the stack and the fault executor need it."""

    def __init__(self, api_url: str, kind: str) -> None:
        parts = urlsplit(api_url)
        self.url, self.kind = api_url, kind
        self.client = Toxiproxy()
        self.client.update_api_consumer(parts.hostname or "127.0.0.1", parts.port or 8474)
        self.links: dict[str, str] = {}           # link name -> "127.0.0.1:port"

    def version(self) -> str:
        try:
            raw = APIConsumer.get("/version").content
            data = json.loads(raw)
        except Exception as exc:
            raise StackError(f"Toxiproxy at {self.url} did not answer GET /version: {exc}") from exc
        return str(data.get("version", "?")) if isinstance(data, dict) else str(data)

    def create(self, name: str, upstream: str) -> str:
        existing = self.client.get_proxy(name)
        if existing is not None:
            existing.destroy()                   # left over from an earlier run
        proxy = self.client.create(upstream=upstream, name=name, listen="127.0.0.1:0")
        self.links[name] = str(proxy.listen)
        return self.links[name]

    def repoint(self, name: str, upstream: str) -> None:
        self._call("repoint", name, lambda: APIConsumer.post(
            f"/proxies/{name}", json={"upstream": upstream, "listen": self.links[name]}))

    def url_of(self, name: str) -> str:
        return f"http://{self.links[name]}"

    def add_toxic(self, link: str, toxic: str, kind: str, params: dict[str, Any]) -> None:
        attrs = {k: v for k, v in params.items() if k not in ("stream", "toxicity")}
        proxy = self._proxy(link)
        self._call("add toxic to", link, lambda: proxy.add_toxic(
            name=toxic, type=kind, stream=params.get("stream", "downstream"),
            toxicity=float(params.get("toxicity", 1.0)), attributes=attrs))

    def remove_toxic(self, link: str, toxic: str) -> None:
        proxy = self._proxy(link)
        if toxic in proxy.toxics():
            self._call("remove toxic from", link, lambda: proxy.destroy_toxic(toxic))

    def set_enabled(self, link: str, enabled: bool) -> None:
        proxy = self._proxy(link)
        self._call("enable" if enabled else "disable", link,
                   proxy.enable if enabled else proxy.disable)

    def toxics(self, link: str) -> list[str]:
        return sorted(self._proxy(link).toxics())

    def is_enabled(self, link: str) -> bool:
        return bool(self._proxy(link).enabled)

    def destroy_links(self) -> None:
        for name in list(self.links):
            proxy = self.client.get_proxy(name)
            if proxy is not None:
                proxy.destroy()
            self.links.pop(name, None)

    def _proxy(self, link: str) -> Any:
        proxy = self.client.get_proxy(link)
        if proxy is None:
            known = ", ".join(sorted(self.links)) or "none"
            raise FaultError(f"Toxiproxy has no proxy {link!r} (links of this stack: {known})")
        return proxy

    def _call(self, what: str, link: str, fn: Any) -> None:
        try:
            fn()
        except Exception as exc:
            raise FaultError(f"cannot {what} Toxiproxy link {link!r} at {self.url}: {exc}") from exc
