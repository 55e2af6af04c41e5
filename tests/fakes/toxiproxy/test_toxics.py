"""Toxic behaviour end to end through real sockets (Toxiproxy's toxics/*_test.go cases).

Timings follow the rule in helpers.py: at least the configured delay, below
the nearest wrong behaviour (double delay) or `HANG`; no speed assertions.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.fakes.toxiproxy.helpers import (
    HANG,
    Http,
    TcpServer,
    connect,
    echo_rtt,
    recv_exact,
    recv_until_eof,
)


@pytest.fixture
def proxy(http: Http, echo: TcpServer) -> Iterator[dict]:
    status, body = http.json("POST", "/proxies", {"name": "tx", "listen": "127.0.0.1:0",
                                                  "upstream": echo.addr})
    assert status == 201
    yield body


def add(http: Http, toxic: dict, proxy: str = "tx") -> dict:
    status, body = http.json("POST", f"/proxies/{proxy}/toxics", toxic)
    assert status == 200, body
    return body


def median_rtt(sock: socket.socket, n: int = 5, size: int = 100) -> float:
    times = sorted(echo_rtt(sock, b"x" * size) for _ in range(n))
    return times[n // 2]


@pytest.mark.parametrize("stream", ["downstream", "upstream"])
def test_latency_one_way(http: Http, proxy: dict, stream: str) -> None:
    add(http, {"type": "latency", "stream": stream, "attributes": {"latency": 100}})
    with connect(proxy["listen"]) as sock:
        rtt = median_rtt(sock)
    assert 0.095 <= rtt < 0.2, rtt  # 0.2: applied in both directions


def test_latency_both_streams_add_up(http: Http, proxy: dict) -> None:
    add(http, {"type": "latency", "attributes": {"latency": 100}})
    add(http, {"type": "latency", "stream": "upstream", "attributes": {"latency": 50}})
    with connect(proxy["listen"]) as sock:
        rtt = median_rtt(sock, 3)
    assert 0.145 <= rtt < 0.2, rtt  # 0.1 or 0.05 alone is below; doubled is 0.2 or more


def test_two_latency_toxics_in_one_stream_add(http: Http, proxy: dict) -> None:
    add(http, {"name": "a", "type": "latency", "attributes": {"latency": 500}})
    add(http, {"name": "b", "type": "latency", "attributes": {"latency": 500}})
    with connect(proxy["listen"]) as sock:
        rtt = echo_rtt(sock, b"ping")
    assert 0.995 <= rtt < 1.5, rtt  # one of them alone is 0.5


def test_latency_jitter_stays_in_band(http: Http, proxy: dict) -> None:
    add(http, {"type": "latency", "attributes": {"latency": 100, "jitter": 20}})
    with connect(proxy["listen"]) as sock:
        times = [echo_rtt(sock, b"j") for _ in range(6)]
    assert all(0.080 <= t < 0.2 for t in times), times
    assert max(times) - min(times) > 0.002, times  # jittered, not a constant delay


def test_latency_is_pipelined_32k_line(http: Http, proxy: dict) -> None:
    add(http, {"type": "latency", "attributes": {"latency": 100}})
    payload = os.urandom(32 * 1024)
    with connect(proxy["listen"]) as sock:
        start = time.perf_counter()
        sock.sendall(payload)
        assert recv_exact(sock, len(payload)) == payload
        elapsed = time.perf_counter() - start
    assert 0.095 <= elapsed < 0.2, elapsed  # 0.2: a second chunk waiting its own 100 ms


def test_bandwidth_480kb_at_1000kbps(http: Http, proxy: dict) -> None:
    add(http, {"type": "bandwidth", "attributes": {"rate": 1000}})
    payload = os.urandom(480 * 1000)
    with connect(proxy["listen"], timeout=10) as sock:
        start = time.perf_counter()
        threading.Thread(target=sock.sendall, args=(payload,), daemon=True).start()
        assert recv_exact(sock, len(payload)) == payload
        elapsed = time.perf_counter() - start
    assert 0.430 <= elapsed < 0.9, elapsed  # 0.96: the rate applied twice


def test_slow_close_delays_close(http: Http, echo: TcpServer) -> None:
    srv = TcpServer(lambda c: c.sendall(b"bye"))  # writes then closes at once
    try:
        http.json("POST", "/proxies", {"name": "sc", "listen": "127.0.0.1:0",
                                       "upstream": srv.addr})
        add(http, {"type": "slow_close", "attributes": {"delay": 300}}, proxy="sc")
        listen = http.json("GET", "/proxies/sc")[1]["listen"]
        with connect(listen) as sock:
            start = time.perf_counter()
            assert recv_exact(sock, 3) == b"bye"
            assert sock.recv(1) == b""
            elapsed = time.perf_counter() - start
        assert 0.290 <= elapsed < HANG, elapsed
    finally:
        srv.close()


def test_timeout_drops_data_then_closes(http: Http, proxy: dict) -> None:
    add(http, {"type": "timeout", "attributes": {"timeout": 300}})
    with connect(proxy["listen"]) as sock:
        start = time.perf_counter()
        sock.sendall(b"lost")
        assert recv_until_eof(sock) == b""
        elapsed = time.perf_counter() - start
    assert 0.280 <= elapsed < HANG, elapsed


def test_timeout_zero_never_closes_and_removal_closes(http: Http, proxy: dict) -> None:
    add(http, {"type": "timeout", "attributes": {"timeout": 0}})
    with connect(proxy["listen"]) as sock:
        sock.sendall(b"lost")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        sock.settimeout(HANG)
        status, _, _ = http.request("DELETE", "/proxies/tx/toxics/timeout_downstream")
        assert status == 204
        assert sock.recv(1) == b""  # removal closed the connection


def test_timeout_toxicity_update_from_0_to_1(http: Http, proxy: dict) -> None:
    add(http, {"type": "timeout", "toxicity": 0, "attributes": {"timeout": 100}})
    with connect(proxy["listen"]) as sock:
        echo_rtt(sock, b"passes")  # toxicity 0: the data is not dropped
        status, _ = http.json("POST", "/proxies/tx/toxics/timeout_downstream", {"toxicity": 1})
        assert status == 200
        sock.settimeout(HANG)
        assert recv_until_eof(sock) == b""  # now it drops and closes


def _expect_reset(sock: socket.socket) -> None:
    with pytest.raises(ConnectionResetError):
        while sock.recv(1024):
            pass


@pytest.mark.parametrize("stream,timeout_ms", [("downstream", 0), ("downstream", 200),
                                               ("upstream", 200)])
def test_reset_peer_sends_rst(http: Http, proxy: dict, stream: str, timeout_ms: int) -> None:
    add(http, {"type": "reset_peer", "stream": stream, "attributes": {"timeout": timeout_ms}})
    with connect(proxy["listen"]) as sock:
        start = time.perf_counter()
        sock.sendall(b"trigger")
        _expect_reset(sock)
        elapsed = time.perf_counter() - start
    assert timeout_ms / 1000 <= elapsed + 0.005 < HANG, elapsed


def test_reset_peer_added_to_open_connection_gives_fin(http: Http, proxy: dict) -> None:
    with connect(proxy["listen"]) as sock:
        echo_rtt(sock, b"open")
        add(http, {"type": "reset_peer", "attributes": {"timeout": 0}})
        sock.sendall(b"trigger")
        assert recv_until_eof(sock) == b""


def test_limit_data_truncates_then_closes(http: Http, proxy: dict) -> None:
    add(http, {"type": "limit_data", "attributes": {"bytes": 10}})
    with connect(proxy["listen"]) as sock:
        sock.sendall(b"abcdefghijklmnop")
        assert recv_until_eof(sock) == b"abcdefghij"


def test_limit_data_count_survives_update(http: Http, proxy: dict) -> None:
    add(http, {"type": "limit_data", "attributes": {"bytes": 100}})
    with connect(proxy["listen"]) as sock:
        sock.sendall(b"x" * 90)
        assert recv_exact(sock, 90) == b"x" * 90
        http.json("PATCH", "/proxies/tx/toxics/limit_data_downstream",
                  {"attributes": {"bytes": 100}})
        sock.sendall(b"y" * 20)
        assert recv_until_eof(sock) == b"y" * 10


def test_limit_data_zero_sends_nothing(http: Http, proxy: dict) -> None:
    add(http, {"type": "limit_data", "attributes": {"bytes": 0}})
    with connect(proxy["listen"]) as sock:
        sock.sendall(b"abc")
        assert recv_until_eof(sock) == b""


def test_slicer_delivers_intact(http: Http, proxy: dict) -> None:
    add(http, {"type": "slicer",
               "attributes": {"average_size": 1024, "size_variation": 512, "delay": 10}})
    payload = os.urandom(480 * 1024)
    with connect(proxy["listen"], timeout=10) as sock:
        threading.Thread(target=sock.sendall, args=(payload,), daemon=True).start()
        assert recv_exact(sock, len(payload)) == payload


def test_noop_passes(http: Http, proxy: dict) -> None:
    add(http, {"type": "noop"})
    with connect(proxy["listen"]) as sock:
        echo_rtt(sock, b"noop")


@pytest.mark.parametrize("toxicity,hit", [(0.0, False), (1.0, True), (5.0, True), (-1.0, False)])
def test_toxicity_extremes(http: Http, proxy: dict, toxicity: float, hit: bool) -> None:
    add(http, {"type": "latency", "toxicity": toxicity, "attributes": {"latency": 500}})
    with connect(proxy["listen"]) as sock:
        rtt = echo_rtt(sock, b"t")
    assert (rtt >= 0.495) is hit, rtt  # a miss is a plain echo: far below half a second


def test_toxicity_half_hits_about_half(http: Http, proxy: dict) -> None:
    add(http, {"type": "latency", "toxicity": 0.5, "attributes": {"latency": 60}})
    hits = 0
    for _ in range(40):
        with connect(proxy["listen"]) as sock:
            hits += echo_rtt(sock, b"t") >= 0.06
    assert 8 <= hits <= 32, hits


def test_connections_survive_toxic_churn_and_reset(http: Http, proxy: dict) -> None:
    with connect(proxy["listen"]) as sock:
        for _ in range(20):
            add(http, {"type": "latency", "attributes": {"latency": 1}})
            echo_rtt(sock, b"a")
            assert http.request("DELETE", "/proxies/tx/toxics/latency_downstream")[0] == 204
            echo_rtt(sock, b"b")
        add(http, {"type": "latency", "stream": "upstream", "attributes": {"latency": 1}})
        assert http.request("POST", "/reset")[0] == 204
        echo_rtt(sock, b"after reset")
    assert http.json("GET", "/proxies/tx/toxics")[1] == []


def test_no_data_dropped_while_toxics_churn(http: Http, proxy: dict) -> None:
    """link_test.go NoDataDropped: 65,535 ordered writes while a toxic comes and goes."""
    n = 65535
    expected = b"".join(i.to_bytes(2, "big") for i in range(n))
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            add(http, {"type": "latency", "attributes": {"latency": 0}})
            http.request("DELETE", "/proxies/tx/toxics/latency_downstream")
            add(http, {"type": "slicer", "stream": "upstream",
                       "attributes": {"average_size": 7, "size_variation": 3}})
            http.request("DELETE", "/proxies/tx/toxics/slicer_upstream")

    churner = threading.Thread(target=churn, daemon=True)
    churner.start()
    try:
        with connect(proxy["listen"], timeout=20) as sock:
            def write() -> None:
                for i in range(n):
                    sock.sendall(i.to_bytes(2, "big"))

            writer = threading.Thread(target=write, daemon=True)
            writer.start()
            got = recv_exact(sock, len(expected))
            writer.join()
    finally:
        stop.set()
        churner.join()
    assert got == expected


def test_remove_toxic_with_broken_connection_does_not_hang(http: Http, proxy: dict) -> None:
    add(http, {"type": "latency", "attributes": {"latency": 1000}})
    sock = connect(proxy["listen"])
    sock.sendall(b"in flight")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # RST while data sits in the latency toxic
    assert http.request("DELETE", "/proxies/tx/toxics/latency_downstream")[0] == 204  # no hang
    assert http.request("GET", "/version")[0] == 200
