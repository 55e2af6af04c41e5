"""The embedded-only connection counter (GET /proxies/{p}/connections) on real sockets.

A drill counts a shop's attempts on a link under a `reset_peer` toxic with it, so the
count must grow by one per dialled connection, also when each is reset, and stay put
while the proxy is disabled (the listener is closed: the kernel refuses, as in Go;
the port stays held by a socket that does not listen, so nobody else is handed it).
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from fakes.toxiproxy import Api, ProxyCollection
from tests.fakes.toxiproxy.helpers import HANG, TcpServer, echo_handler

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    upstream = TcpServer(echo_handler)
    app = Api(ProxyCollection())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://toxiproxy") as client:
        resp = await client.post("/proxies", json={
            "name": "p", "listen": "127.0.0.1:0", "upstream": f"127.0.0.1:{upstream.port}"})
        assert resp.status_code == 201
        yield client
    for proxy in app.collection.proxies.values():
        proxy.stop()
    upstream.close()


async def _listen_port(api: httpx.AsyncClient) -> int:
    return int((await api.get("/proxies/p")).json()["listen"].rsplit(":", 1)[1])


async def _echo_once(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"ping")
    data = await asyncio.wait_for(reader.readexactly(4), HANG)
    writer.close()
    return data


async def _reset_once(port: int) -> bytes:
    """Dial, send, and read until the proxy resets or closes us (the reply never comes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /orders HTTP/1.1\r\n\r\n")
    try:
        data = await asyncio.wait_for(reader.read(), HANG)
    except ConnectionResetError:
        data = b""
    writer.close()
    return data


async def test_counts_every_accepted_connection_under_reset_peer(
        api: httpx.AsyncClient) -> None:
    port = await _listen_port(api)
    assert (await api.get("/proxies/p/connections")).json() == {
        "name": "p", "accepted": 0, "open": 0}
    assert await _echo_once(port) == b"ping"
    toxic = {"type": "reset_peer", "stream": "upstream", "attributes": {"timeout": 0}}
    assert (await api.post("/proxies/p/toxics", json=toxic)).status_code == 200
    answers = [await _reset_once(port) for _ in range(5)]
    assert answers == [b""] * 5                    # dark: no byte of a reply
    assert (await api.get("/proxies/p/connections")).json()["accepted"] == 6


async def test_a_disabled_proxy_refuses_and_counts_nothing(api: httpx.AsyncClient) -> None:
    port = await _listen_port(api)
    assert await _echo_once(port) == b"ping"
    assert (await api.post("/proxies/p", json={"enabled": False})).status_code == 200
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    assert (await api.get("/proxies/p/connections")).json()["accepted"] == 1
    assert (await api.post("/proxies/p", json={"enabled": True})).status_code == 200
    assert await _echo_once(port) == b"ping"
    assert (await api.get("/proxies/p/connections")).json()["accepted"] == 2


async def test_a_disabled_proxy_keeps_its_port_from_other_processes(
        api: httpx.AsyncClient) -> None:
    """While dark the port stays ours: a free-port picker (bind, no SO_REUSEADDR) is refused
    it, dials are still refused, and a delete gives it back."""
    port = await _listen_port(api)
    assert (await api.post("/proxies/p", json={"enabled": False})).status_code == 200
    with socket.socket() as picker, pytest.raises(OSError) as taken:
        picker.bind(("127.0.0.1", port))
    assert taken.value.errno == errno.EADDRINUSE
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    assert (await api.post("/proxies/p", json={"enabled": True})).status_code == 200
    assert await _echo_once(port) == b"ping"
    assert (await api.delete("/proxies/p")).status_code == 204
    with socket.socket() as picker:
        picker.bind(("127.0.0.1", port))   # released with the proxy


async def test_unknown_proxy_is_gos_404(api: httpx.AsyncClient) -> None:
    resp = await api.get("/proxies/nope/connections")
    assert resp.status_code == 404 and resp.json()["error"] == "proxy not found"
