"""A link's connection count: read from the embedded server, named as missing from Go's."""

from __future__ import annotations

import httpx

from drill.faults.counting import accepted_connections
from drill.stack import ToxiproxyClient


def _client(status: int, body: object) -> ToxiproxyClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/proxies/supplier_primary/connections"
        if status == 404:
            return httpx.Response(404, text="404 page not found\n")
        return httpx.Response(status, json=body)
    return ToxiproxyClient("http://127.0.0.1:8474", "real",
                           transport=httpx.MockTransport(answer))


def test_the_embedded_servers_count_is_read() -> None:
    got = accepted_connections(_client(200, {"name": "supplier_primary", "accepted": 7,
                                             "open": 0}), "supplier_primary")
    assert got == {"accepted_connections": 7}


def test_a_server_without_the_route_gives_the_reason_and_the_fix() -> None:
    got = accepted_connections(_client(404, None), "supplier_primary")
    why = got["accepted_connections_error"]
    assert "counts no connections" in why and "--toxiproxy embedded" in why


def test_a_garbled_answer_or_no_toxiproxy_is_an_error_not_a_count() -> None:
    assert "accepted_connections_error" in accepted_connections(
        _client(200, {"name": "supplier_primary"}), "supplier_primary")
    assert accepted_connections(None, "supplier_primary") == {
        "accepted_connections_error": "the stack has no Toxiproxy"}
