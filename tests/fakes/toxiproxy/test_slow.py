"""Long races from Toxiproxy's suite, excluded from the default path (run with -m slow)."""

from __future__ import annotations

import pytest

from tests.fakes.toxiproxy.helpers import Http, TcpServer, connect, echo_rtt, recv_exact


@pytest.fixture
def listen(http: Http, echo: TcpServer) -> str:
    status, body = http.json("POST", "/proxies", {"name": "slow", "listen": "127.0.0.1:0",
                                                  "upstream": echo.addr})
    assert status == 201
    return str(body["listen"])


@pytest.mark.slow
def test_latency_toxic_close_race_1000_cycles(http: Http, listen: str) -> None:
    for _ in range(1000):
        http.json("POST", "/proxies/slow/toxics", {"type": "latency",
                                                   "attributes": {"latency": 10}})
        with connect(listen) as sock:
            sock.sendall(b"x")
        assert http.request("DELETE", "/proxies/slow/toxics/latency_downstream")[0] == 204


@pytest.mark.slow
def test_thousand_concurrent_connections(http: Http, listen: str) -> None:
    socks = [connect(listen, timeout=20) for _ in range(1000)]
    try:
        for i, sock in enumerate(socks):
            sock.sendall(b"%06d" % i)
        for i, sock in enumerate(socks):
            assert recv_exact(sock, 6) == b"%06d" % i
        http.json("POST", "/proxies/slow/toxics", {"type": "latency",
                                                   "attributes": {"latency": 20}})
        assert echo_rtt(socks[500], b"y") >= 0.019  # the toxic reached an open connection
        assert http.request("DELETE", "/proxies/slow/toxics/latency_downstream")[0] == 204
    finally:
        for sock in socks:
            sock.close()
