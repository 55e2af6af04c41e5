"""Toxiproxy parity for `listen`: empty, missing and ``:0`` all mean "an ephemeral port".

Go's `net.Listen("tcp", "")` listens on every interface with a kernel-chosen
port and the proxy reports the real address; ours does the same on 127.0.0.1
(loopback only unless --allow-non-loopback).  Before this, an empty listen
answered 500 `missing port in address`.
"""

from __future__ import annotations

from typing import Any

import pytest
from toxiproxy import Toxiproxy

from tests.fakes.toxiproxy.helpers import Http, TcpServer, connect, echo_rtt

LISTENS: list[dict[str, Any]] = [{}, {"listen": ""}, {"listen": ":0"}, {"listen": None}]


def assert_ephemeral_and_forwarding(listen: str) -> None:
    host, port = listen.rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0, listen
    with connect(listen) as sock:
        echo_rtt(sock, b"through the ephemeral port")


@pytest.mark.parametrize("listen", LISTENS, ids=["missing", "empty", "colon-zero", "null"])
def test_create_without_listen_gets_an_ephemeral_port(
    http: Http, echo: TcpServer, listen: dict[str, Any]
) -> None:
    status, proxy = http.json("POST", "/proxies", {"name": "eph", "upstream": echo.addr,
                                                   **listen})
    assert status == 201, proxy
    assert_ephemeral_and_forwarding(proxy["listen"])
    assert http.json("GET", "/proxies/eph")[1]["listen"] == proxy["listen"]


def test_disabled_proxy_keeps_empty_listen_then_enables(http: Http, echo: TcpServer) -> None:
    status, proxy = http.json("POST", "/proxies", {"name": "later", "upstream": echo.addr,
                                                   "listen": "", "enabled": False})
    assert (status, proxy["listen"], proxy["enabled"]) == (201, "", False)
    status, proxy = http.json("POST", "/proxies/later", {"enabled": True})
    assert status == 200 and proxy["enabled"] is True
    assert_ephemeral_and_forwarding(proxy["listen"])


def test_populate_without_listen_gets_ephemeral_ports(http: Http, echo: TcpServer) -> None:
    status, body = http.json("POST", "/populate", [
        {"name": "a", "upstream": echo.addr},
        {"name": "b", "upstream": echo.addr, "listen": ""},
    ])
    assert status == 201, body
    listens = [p["listen"] for p in body["proxies"]]
    assert len(set(listens)) == 2
    for listen in listens:
        assert_ephemeral_and_forwarding(listen)


def test_update_to_empty_listen_moves_to_a_new_port(http: Http, echo: TcpServer) -> None:
    status, first = http.json("POST", "/proxies", {"name": "mv", "upstream": echo.addr,
                                                   "listen": "127.0.0.1:0"})
    assert status == 201
    status, moved = http.json("PATCH", "/proxies/mv", {"listen": ""})
    assert status == 200 and moved["listen"] != first["listen"]
    assert_ephemeral_and_forwarding(moved["listen"])


def test_python_client_create_with_empty_listen(client: Toxiproxy, echo: TcpServer) -> None:
    proxy = client.create(upstream=echo.addr, name="py_empty", listen="")
    assert_ephemeral_and_forwarding(proxy.listen)
    assert client.get_proxy("py_empty").listen == proxy.listen
    assert proxy.destroy()
