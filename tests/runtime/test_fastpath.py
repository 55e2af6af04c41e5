"""The server fast path (runtime/fastpath.py) sends on the wire the bytes uvicorn's ASGI cycle
sends for the same requests (but the Date header), pipelined, closing and oversized ones too."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn

from fakes._common import ManualClock
from fakes._common.hot import HotLane
from fakes.payment import GatewayState, Merchant, make_app
from runtime.coalesce import CoalescingHttpToolsProtocol
from runtime.fastpath import FastPathProtocol
from tests.fakes._clients import KEY, PID, create_fields
from tests.fakes._inprocess import ScriptedTransport

NOTIFY = "http://127.0.0.1:9/notify"
DATE = re.compile(rb"date: [^\r]*\r\n")


def _post(path: str, body: bytes, extra: str = "",
          ctype: str = "application/x-www-form-urlencoded") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: gw.test\r\nContent-Type: {ctype}\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _requests() -> list[bytes]:
    form = urlencode(create_fields("A1", NOTIFY)).encode()
    return [
        _post("/submit.php", form),
        _post("/mapi.php", form),                                          # the same again
        _post("/submit.php", b'{"pid": "1"}', ctype="application/json"),
        b"GET /submit.php?" + urlencode(create_fields("A2", NOTIFY)).encode()
        + b" HTTP/1.1\r\nHost: gw.test\r\n\r\n",
        _post("/pay/{trade}", b""),
        _post("/pay/{trade}", b"") + _post("/pay/nope", b""),              # pipelined pair
        b"GET /_fake/ledger?kind=payments HTTP/1.1\r\nHost: gw.test\r\n\r\n"  # slow, then fast
        + _post("/pay/{trade}", b""),
        b"HEAD /submit.php HTTP/1.1\r\nHost: gw.test\r\n\r\n",
        _post("/mapi.php", b"x" * (256 * 1024 + 1)),
        _post("/pay/{trade}", b"", "Connection: close\r\n"),
    ]


def _answers(sock: socket.socket, count: int, *, head: bool = False) -> list[bytes]:
    """`count` answers read off `sock`, framed by Content-Length (none for a HEAD)."""
    out: list[bytes] = []
    buf = b""
    while len(out) < count:
        end = buf.find(b"\r\n\r\n")
        m = re.search(rb"content-length: (\d+)", buf[:end]) if end >= 0 else None
        size = end + 4 + (int(m.group(1)) if m and not head else 0)
        if end >= 0 and len(buf) >= size:
            out.append(DATE.sub(b"", buf[:size]))
            buf = buf[size:]
            continue
        chunk = sock.recv(65536)                # bounded by the socket's timeout
        assert chunk, f"closed after {len(out)} of {count} answers"
        buf += chunk
    return out


@contextmanager
def _server(protocol: type) -> Iterator[tuple[int, GatewayState]]:
    clock = ManualClock()
    state = GatewayState(Merchant(PID, KEY), 7, 600.0, {}, clock=clock)
    app = make_app(state, ScriptedTransport(clock))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(app, loop="asyncio", http=protocol, lifespan="off",
                            access_log=False, log_level="warning", proxy_headers=False)
    server = uvicorn.Server(config)
    started = threading.Event()

    async def go() -> None:
        config.load()
        server.lifespan = config.lifespan_class(config)
        await server.startup(sockets=[sock])
        started.set()
        await server.main_loop()
        await server.shutdown(sockets=[sock])

    thread = threading.Thread(target=asyncio.run, args=(go(),), daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield sock.getsockname()[1], state
    finally:
        server.should_exit = True
        thread.join(10)


def _play(protocol: type) -> tuple[list[list[bytes]], list[dict[str, Any]]]:
    got: list[list[bytes]] = []
    trade = ""
    with _server(protocol) as (port, state):
        for raw in _requests():
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                raw = raw.replace(b"{trade}", trade.encode())
                want = raw.count(b" HTTP/1.1\r\n")
                s.sendall(raw)
                answers = _answers(s, want, head=raw.startswith(b"HEAD"))
                got.append(answers)
                if not trade:
                    trade = re.search(rb'"trade_no":"(\d+)"', answers[0]).group(1).decode()
                if b"Connection: close" in raw:
                    assert s.recv(1) == b""       # the server closed after answering
        return got, list(state.ledger.items("payments"))


def test_fast_path_sends_what_the_asgi_cycle_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[str] = []
    fast_call = HotLane.fast_call

    def counted(lane: HotLane, match: Any, scope: dict[str, Any], body: bytes) -> Any:
        taken.append(scope["path"])
        return fast_call(lane, match, scope, body)

    monkeypatch.setattr(HotLane, "fast_call", counted)
    fast, fast_payments = _play(FastPathProtocol)
    assert len(taken) == 9      # not the ledger read, the pay pipelined behind it, the HEAD
    del taken[:]
    slow, slow_payments = _play(CoalescingHttpToolsProtocol)
    for raw, f, s in zip(_requests(), fast, slow, strict=True):
        assert f == s, raw[:60]
    assert fast_payments == slow_payments and len(fast_payments) == 2
    statuses = {a.split(b" ", 2)[1] for answers in fast for a in answers}
    assert statuses >= {b"200", b"404", b"413"}
    assert b"connection: close" in fast[-1][0]
    assert taken == []                           # uvicorn's own protocol: the ASGI lane
