"""The TCP data path without toxics: proxy_test.go's cases, down/up, delete, dead upstream."""

from __future__ import annotations

import os
import socket

import pytest
from toxiproxy import Toxiproxy

from tests.fakes.toxiproxy.helpers import (
    HANG,
    Http,
    TcpServer,
    connect,
    echo_rtt,
    is_listening,
    recv_exact,
)


def make_proxy(http: Http, upstream: str, name: str = "p", **extra: object) -> dict:
    status, body = http.json("POST", "/proxies", {"name": name, "listen": "127.0.0.1:0",
                                                  "upstream": upstream, **extra})
    assert status == 201, body
    return body


def test_simple_message_and_two_parts(http: Http, echo: TcpServer) -> None:
    proxy = make_proxy(http, echo.addr)
    with connect(proxy["listen"]) as sock:
        sock.sendall(b"hello world")
        assert recv_exact(sock, 11) == b"hello world"
        sock.sendall(b"hello ")
        sock.sendall(b"world")
        assert recv_exact(sock, 11) == b"hello world"


def test_64k_message_intact(http: Http, echo: TcpServer) -> None:
    proxy = make_proxy(http, echo.addr)
    payload = os.urandom(64 * 1024)
    with connect(proxy["listen"]) as sock:
        sock.sendall(payload)
        assert recv_exact(sock, len(payload)) == payload


def test_dead_upstream_gives_eof_quickly(http: Http) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"  # bound, not listening: refused
        proxy = make_proxy(http, dead)
        with connect(proxy["listen"]) as sock:
            sock.settimeout(HANG)
            assert sock.recv(10) == b""  # closed at once, not left hanging


def test_disable_closes_listener_and_connections(client: Toxiproxy, echo: TcpServer) -> None:
    proxy = client.create(upstream=echo.addr, name="down")
    with connect(proxy.listen) as sock:
        echo_rtt(sock, b"x")
        with proxy.down():
            assert sock.recv(1) == b""
            assert not is_listening(proxy.listen)
        assert is_listening(proxy.listen)
    with connect(proxy.listen) as sock:
        echo_rtt(sock, b"again")


def test_delete_closes_port(http: Http, echo: TcpServer) -> None:
    proxy = make_proxy(http, echo.addr)
    assert is_listening(proxy["listen"])
    sock = connect(proxy["listen"])
    assert http.request("DELETE", "/proxies/p")[0] == 204
    assert sock.recv(1) == b""
    sock.close()
    assert not is_listening(proxy["listen"])
    status, _, body = http.request("DELETE", "/proxies/p")
    assert (status, body) == (404, b'{"error":"proxy not found","status":404}\n')


def test_update_to_port_zero_gets_new_port(http: Http, echo: TcpServer) -> None:
    proxy = make_proxy(http, echo.addr)
    status, updated = http.json("PATCH", "/proxies/p", {"listen": "127.0.0.1:0"})
    assert status == 200
    assert updated["listen"] != proxy["listen"]
    assert is_listening(updated["listen"])


def test_same_port_by_hostname_keeps_connections(http: Http, echo: TcpServer) -> None:
    proxy = make_proxy(http, echo.addr)
    port = proxy["listen"].rsplit(":", 1)[1]
    with connect(proxy["listen"]) as sock:
        echo_rtt(sock, b"before")
        status, updated = http.json("POST", "/proxies/p", {"listen": f"localhost:{port}"})
        assert status == 200 and updated["listen"] == proxy["listen"]
        echo_rtt(sock, b"after")


def test_changed_upstream_drops_connections(http: Http, echo: TcpServer) -> None:
    other = TcpServer(lambda c: None)
    try:
        proxy = make_proxy(http, echo.addr)
        with connect(proxy["listen"]) as sock:
            echo_rtt(sock, b"x")
            assert http.json("PATCH", "/proxies/p", {"upstream": other.addr})[0] == 200
            assert sock.recv(1) == b""
    finally:
        other.close()


@pytest.mark.parametrize("n", [200])
def test_many_concurrent_connections(http: Http, echo: TcpServer, n: int) -> None:
    proxy = make_proxy(http, echo.addr)
    socks = [connect(proxy["listen"]) for _ in range(n)]
    try:
        for i, sock in enumerate(socks):
            sock.sendall(b"%05d" % i)
        for i, sock in enumerate(socks):
            assert recv_exact(sock, 5) == b"%05d" % i
    finally:
        for sock in socks:
            sock.close()
