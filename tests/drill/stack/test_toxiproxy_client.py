"""The Toxiproxy client in-process (httpx MockTransport): exact API calls, errors naming links."""

from __future__ import annotations

import json

import httpx
import pytest

from drill.errors import FaultError
from drill.stack import ToxiproxyClient


class _Server:
    """Just enough of the Toxiproxy v2 API to record what the client sends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, object]] = []
        self.proxies: dict[str, dict[str, object]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.method, request.url.path, body))
        parts = request.url.path.strip("/").split("/")
        if parts == ["proxies"] and request.method == "POST":
            self.proxies[body["name"]] = {**body, "listen": "127.0.0.1:40001", "toxics": []}
            return httpx.Response(201, json=self.proxies[body["name"]])
        proxy = self.proxies.get(parts[1]) if len(parts) > 1 else None
        if proxy is None:
            return httpx.Response(404, json={"error": "proxy not found", "status": 404})
        if parts[2:] == ["toxics"] and request.method == "POST":
            proxy["toxics"].append(body)  # type: ignore[attr-defined]
            return httpx.Response(200, json=body)
        if parts[2:] == ["toxics"]:
            return httpx.Response(200, json=proxy["toxics"])
        if request.method == "POST":
            proxy.update(body)
        return httpx.Response(200, json=proxy)


def test_create_toxic_and_disable_send_the_toxiproxy_api_calls() -> None:
    server = _Server()
    client = ToxiproxyClient("http://toxiproxy.test", "embedded",
                             transport=httpx.MockTransport(server))
    assert client.create("im", "127.0.0.1:9000") == "127.0.0.1:40001"
    client.add_toxic("im", "f0-latency-im", "latency", {"latency": 200, "toxicity": 0.5})
    client.set_enabled("im", False)
    assert client.toxics("im") == ["f0-latency-im"] and client.is_enabled("im") is False
    assert server.calls[1] == ("POST", "/proxies", {"name": "im", "upstream": "127.0.0.1:9000",
                                                    "listen": "127.0.0.1:0", "enabled": True})
    assert server.calls[2] == ("POST", "/proxies/im/toxics", {
        "name": "f0-latency-im", "type": "latency", "stream": "downstream", "toxicity": 0.5,
        "attributes": {"latency": 200}})


def test_an_unknown_link_is_a_fault_error_naming_the_links_of_the_stack() -> None:
    server = _Server()
    client = ToxiproxyClient("http://toxiproxy.test", "embedded",
                             transport=httpx.MockTransport(server))
    client.create("im", "127.0.0.1:9000")
    with pytest.raises(FaultError, match=r"no proxy 'db' \(links of this stack: im\)"):
        client.set_enabled("db", False)
