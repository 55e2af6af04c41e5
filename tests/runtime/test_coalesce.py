"""A response's head and body leave in one write; pipelined requests still get every answer."""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

from runtime import ManagedProcess
from runtime.coalesce import CoalescingTransport

CHILD = [sys.executable, "-m", "tests.runtime._echo_app", "--port", "0"]


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> Any:
        return f"extra:{name}"


def test_writes_in_one_turn_are_one_write_and_close_flushes_first() -> None:
    async def scenario() -> _Recorder:
        rec = _Recorder()
        t = CoalescingTransport(rec, asyncio.get_running_loop())  # type: ignore[arg-type]
        t.write(b"HTTP/1.1 200 OK\r\n\r\n")
        t.write(b"hello")
        assert rec.writes == []              # nothing sent inside the turn
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert rec.writes == [b"HTTP/1.1 200 OK\r\n\r\nhello"]
        assert t.get_extra_info("peername") == "extra:peername"
        t.write(b"last")
        t.close()                            # the pending bytes go before the close
        return rec

    rec = asyncio.run(scenario())
    assert rec.writes[-1] == b"last" and rec.closed


def test_pipelined_requests_all_answered_by_a_real_server() -> None:
    with (ManagedProcess("echo", CHILD) as proc,
          socket.create_connection(("127.0.0.1", proc.port), timeout=5) as s):
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 5)
        data = b""
        while data.count(b"hello") < 5:       # bounded: recv times out after 5 s
            chunk = s.recv(65536)
            assert chunk, f"connection closed after {data.count(b'hello')} answers"
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 5
