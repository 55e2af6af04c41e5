"""Socket-level helpers for the conformance tests: echo/sink servers and a raw HTTP client.

Servers bind 127.0.0.1:0 and are ready once `listen()` returned (no sleeps).
Handler threads swallow socket errors: resets are part of what we test.

Timing rule for the toxic tests: a lower bound is the configured delay (the
fault was applied); an upper bound sits at the nearest *wrong* behaviour (the
delay applied twice, or not at all on the other side) or at `HANG`, never at
"fast enough", so a busy box cannot fail it.  How close the toxics come to
their figures, and how fast the proxy is, is measured in bench/proxy_bench.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

HANG = 5.0  # seconds: tells "it happened" from "it never will"
# Valid but awkward proxy/toxic names: each must be creatable, fetchable and deletable.
ODD_NAMES = ["x" * 255, "é" * 127, "with space", "q?uery", "hash#tag", "per%cent", "per%2Fcent",
             "plus+sign", "semi;colon", "quote\"s", "<html>&", "emoji😀", "中文名", "...", ".a",
             "~tilde", "a:b@c", "\u2028sep", "back\\slash"]


class TcpServer:
    """A thread-per-connection TCP server running `handler(conn)` for each client."""

    def __init__(self, handler: Callable[[socket.socket], None]) -> None:
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(2048)
        self.port: int = self.sock.getsockname()[1]
        self.addr = f"127.0.0.1:{self.port}"
        self.conns: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            self.handler(conn)
        with contextlib.suppress(OSError):
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.close()


def echo_handler(conn: socket.socket) -> None:
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)


def connect(addr: str, timeout: float = 5.0) -> socket.socket:
    host, port = addr.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        data = sock.recv(min(n - len(buf), 1 << 20))
        if not data:
            break
        buf += data
    return bytes(buf)


def recv_until_eof(sock: socket.socket) -> bytes:
    buf = bytearray()
    while True:
        data = sock.recv(65536)
        if not data:
            return bytes(buf)
        buf += data


def is_listening(addr: str) -> bool:
    host, port = addr.rsplit(":", 1)
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, int(port))) == 0


def echo_rtt(sock: socket.socket, payload: bytes) -> float:
    start = time.perf_counter()
    sock.sendall(payload)
    got = recv_exact(sock, len(payload))
    assert got == payload
    return time.perf_counter() - start


class Http:
    """Raw HTTP to the API: exact status, headers and body bytes."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, body: bytes | str | Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        if body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers={"User-Agent": "test", **(headers or {})})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        status, _, data = self.request(method, path, body)
        return status, (json.loads(data) if data else None)
