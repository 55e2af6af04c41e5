"""The notify client's answer parser (fakes/payment/http1.py) on literals, fed byte by byte
as a slow merchant would send them, and its pool against a loopback merchant that drops
idle connections."""

from __future__ import annotations

import asyncio

import pytest

from fakes.payment.http1 import HTTPError, Pool, parse

ANSWERS = [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsuccess", (200, b"success", True)),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nsuc\r\n4\r\ncess\r\n"
     b"0\r\nX-T: 1\r\n\r\n", (200, b"success", True)),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nConnection: close\r\n"
     b"Content-Length: 4\r\n\r\nfail", (500, b"fail", False)),
]


@pytest.mark.parametrize(("raw", "want"), ANSWERS)
def test_parse_waits_for_the_whole_answer(raw: bytes, want: tuple[int, bytes, bool]) -> None:
    buf = bytearray()
    for i, byte in enumerate(raw):
        assert parse(buf, eof=False) is None, f"answered after {i} of {len(raw)} bytes"
        buf.append(byte)
    assert parse(buf, eof=False) == want
    assert buf == b""


def test_unframed_body_ends_at_eof_and_garbage_is_an_error() -> None:
    buf = bytearray(b"HTTP/1.0 200 OK\r\n\r\nsucc")
    assert parse(buf, eof=False) == (200, b"succ", False)  # what arrived: not reused
    assert parse(bytearray(b"HTTP/1.0 204 OK\r\n\r\n"), eof=False) is None
    assert parse(bytearray(b"HTTP/1.0 204 OK\r\n\r\n"), eof=True) == (204, b"", False)
    with pytest.raises(HTTPError, match="malformed status line"):
        parse(bytearray(b"SSH-2.0\r\n\r\n"), eof=False)
    with pytest.raises(HTTPError, match="chunk size"):
        parse(bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), False)


def test_pool_reuses_and_replaces_a_connection_the_merchant_dropped() -> None:
    async def go() -> tuple[list[int], int]:
        accepted: list[asyncio.StreamWriter] = []

        async def merchant(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.append(writer)
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsuccess")

        server = await asyncio.start_server(merchant, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/notify?x=1"
        pool = Pool()
        got = [(await pool.request("GET", url, {"a": "1"}, 5.0))[0] for _ in range(3)]
        accepted[0].close()                       # the merchant's keep-alive timeout
        await asyncio.sleep(0)
        got.append((await pool.request("POST", url, {"a": "2"}, 5.0))[0])
        await pool.close()
        server.close()
        return got, len(accepted)

    statuses, connections = asyncio.run(go())
    assert statuses == [200, 200, 200, 200] and connections == 2


def test_pool_times_out_and_names_a_refused_connection() -> None:
    async def go() -> None:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(TimeoutError):
            await Pool().request("GET", f"http://127.0.0.1:{port}/n", {}, 0.2)
        server.close()
        await server.wait_closed()
        with pytest.raises(HTTPError, match="ConnectError"):
            await Pool().request("GET", f"http://127.0.0.1:{port}/n", {}, 2.0)

    asyncio.run(go())
