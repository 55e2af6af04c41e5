"""A minimal pooled HTTP/1.1 client for notifies.

Why not httpx here: measured on this box, httpx.AsyncClient manages ~1,200
sequential but only ~260 *concurrent* requests/s (its connection pool degrades
with many waiters), far below the 2,000 notifies/s target. Notifies are simple
GET/POST-form requests to plain-http loopback URLs, so a keep-alive pool of
connections per origin does the job at a fraction of the cost. Each connection
is an asyncio Protocol that parses the answer as its bytes arrive (`parse`),
not a StreamReader awaited piece by piece: a notify is one write and one wake-up
for its answer (bench/harness_cost.py).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import cast
from urllib.parse import urlencode, urlsplit

MAX_BODY = 64 * 1024
MAX_HEAD = 64 * 1024
MAX_URLS = 256
Answer = tuple[int, bytes, bool]   # status, body, keep-alive


class HTTPError(Exception):
    """Connection-level failure (refused, reset, malformed reply)."""


class Conn(asyncio.Protocol):
    """One keep-alive connection; at most one answer awaited at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[Answer] | None = None
        self.eof = False
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass of it

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._answer()

    def eof_received(self) -> bool:
        self.eof = True
        self._answer()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = self.eof = True
        self._answer(exc)

    def usable(self) -> bool:
        return not self.eof and not self.buf and self.transport is not None \
            and not self.transport.is_closing()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    async def exchange(self, payload: bytes) -> Answer:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        try:
            return await self.waiter
        finally:
            self.waiter = None

    def _answer(self, exc: Exception | None = None) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        try:
            got = parse(self.buf, self.eof)
        except HTTPError as err:
            waiter.set_exception(err)
            return
        if got is not None:
            waiter.set_result(got)
        elif self.lost:
            waiter.set_exception(HTTPError(f"connection lost: {exc!r}" if exc else
                                           "connection closed before the whole answer"))


def parse(buf: bytearray, eof: bool) -> Answer | None:
    """The answer at the start of `buf` (consumed), None until it is all there; 1xx answers
    are skipped. Without Content-Length or chunking the body is what has arrived (at most
    MAX_BODY) and the connection is not reused."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEAD:
                raise HTTPError(f"answer head over {MAX_HEAD} bytes")
            return None
        lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError) as exc:
            raise HTTPError(f"malformed status line {lines[0]!r}") from exc
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if 100 <= status < 200 and status != 101:
            del buf[: end + 4]
            continue
        return _framed(buf, end + 4, status, headers, eof)


def _framed(buf: bytearray, start: int, status: int, headers: dict[str, str],
            eof: bool) -> Answer | None:
    keep = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError as exc:
            raise HTTPError(f"bad Content-Length {headers['content-length'][:40]!r}") from exc
        if len(buf) - start < length:
            return None
        body = bytes(buf[start: start + length])
        del buf[: start + length]
        return status, body, keep
    if headers.get("transfer-encoding", "").lower() == "chunked":
        got = _chunked(buf, start)
        if got is None:
            return None
        body, used = got
        del buf[:used]
        return status, body, keep
    if len(buf) == start and not eof:
        return None
    body = bytes(buf[start: start + MAX_BODY])
    buf.clear()
    return status, body, False


def _chunked(buf: bytearray, pos: int) -> tuple[bytes, int] | None:
    """(body, bytes used) of a complete chunked body at `pos`, None while incomplete."""
    out = bytearray()
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        try:
            size = int(bytes(buf[pos:eol]).split(b";")[0].strip() or b"0", 16)
        except ValueError as exc:
            raise HTTPError(f"malformed chunk size {bytes(buf[pos:eol])[:40]!r}") from exc
        pos = eol + 2
        if size == 0:
            while True:                      # trailers, if any, then the empty line
                eol = buf.find(b"\r\n", pos)
                if eol < 0:
                    return None
                if eol == pos:
                    return bytes(out), pos + 2
                pos = eol + 2
        if len(buf) < pos + size + 2:
            return None
        out += buf[pos: pos + size]
        pos += size + 2


class Pool:
    def __init__(self, max_idle_per_origin: int = 256) -> None:
        self.idle: dict[tuple[str, int], list[Conn]] = defaultdict(list)
        self.max_idle = max_idle_per_origin
        self.urls: dict[str, tuple[tuple[str, int], str, str, str]] = {}

    async def close(self) -> None:
        for conns in self.idle.values():
            for conn in conns:
                conn.close()
        self.idle.clear()

    async def request(self, method: str, url: str, params: dict[str, str],
                      timeout: float) -> tuple[int, str]:
        """(status, body text); raises TimeoutError or HTTPError."""
        origin, path, url_query, host = self._parts(url)
        query = urlencode(params)
        if method == "GET":
            target = f"{path}?{url_query}&{query}" if url_query else f"{path}?{query}"
            head = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: epay-fake\r\n\r\n"
            payload = head.encode()
        else:
            target = f"{path}?{url_query}" if url_query else path
            body = query.encode()
            payload = (f"POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: epay-fake\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        async with asyncio.timeout(timeout):
            conn, reused = await self._connect(origin)
            try:
                return self._done(origin, conn, await conn.exchange(payload))
            except (HTTPError, OSError) as exc:
                conn.close()
                if not reused:
                    raise HTTPError(f"{type(exc).__name__}: {exc}") from exc
            except BaseException:
                conn.close()
                raise
            # a stale keep-alive connection: retry once on a fresh one
            conn, _ = await self._connect(origin, fresh=True)
            try:
                return self._done(origin, conn, await conn.exchange(payload))
            except (HTTPError, OSError) as exc:
                conn.close()
                raise HTTPError(f"{type(exc).__name__}: {exc}") from exc
            except BaseException:
                conn.close()
                raise

    def _parts(self, url: str) -> tuple[tuple[str, int], str, str, str]:
        """(origin, path, query, Host header) of a notify_url, remembered (a shop has one)."""
        known = self.urls.get(url)
        if known is None:
            parts = urlsplit(url)
            if parts.scheme != "http" or not parts.hostname:
                raise HTTPError(f"unsupported notify_url {url!r} (plain http only)")
            origin = (parts.hostname, parts.port or 80)
            known = (origin, parts.path or "/", parts.query, f"{origin[0]}:{origin[1]}")
            if len(self.urls) < MAX_URLS:
                self.urls[url] = known
        return known

    async def _connect(self, origin: tuple[str, int], fresh: bool = False) -> tuple[Conn, bool]:
        idle = self.idle[origin]
        while idle and not fresh:
            conn = idle.pop()
            if conn.usable():
                return conn, True
            conn.close()
        try:
            _, conn = await asyncio.get_running_loop().create_connection(Conn, *origin)
        except OSError as exc:
            raise HTTPError(f"ConnectError: {exc}") from exc
        return conn, False

    def _done(self, origin: tuple[str, int], conn: Conn, answer: Answer) -> tuple[int, str]:
        status, body, keep = answer
        if keep and conn.usable() and len(self.idle[origin]) < self.max_idle:
            self.idle[origin].append(conn)
        else:
            conn.close()
        return status, body.decode("utf-8", "replace")
