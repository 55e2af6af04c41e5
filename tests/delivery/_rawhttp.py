"""A lean keep-alive HTTP/1.1 client on asyncio streams (httpx's async pool is too slow
to drive 1,000 concurrent requests on this machine). JSON or query requests only."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode, urlsplit


class RawConn:
    def __init__(self, url: str) -> None:
        u = urlsplit(url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                      json_body: Any = None, headers: dict[str, str] | None = None
                      ) -> tuple[int, bytes]:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection(self.host, self.port)
        assert self.r is not None
        if params:
            path += "?" + urlencode(params)
        body = json.dumps(json_body).encode() if json_body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += "Content-Type: application/json\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        self.w.write(head.encode() + b"\r\n" + body)
        status_line = await self.r.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.r.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            if k.lower() == "content-length":
                length = int(v)
            elif k.lower() == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
        if chunked:
            out = b""
            while True:
                size = int((await self.r.readline()).strip(), 16)
                chunk = await self.r.readexactly(size + 2)
                if size == 0:
                    return status, out
                out += chunk[:-2]
        return status, await self.r.readexactly(length) if length else b""

    def close(self) -> None:
        if self.w is not None:
            self.w.close()
            self.w = None


async def fire(url: str, reqs: list[dict[str, Any]], conns: int = 64) -> list[tuple[int, bytes]]:
    """Run every request (kwargs of RawConn.request + method/path) over `conns` connections."""
    results: list[tuple[int, bytes]] = [(0, b"")] * len(reqs)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(len(reqs)):
        queue.put_nowait(i)

    async def lane() -> None:
        c = RawConn(url)
        try:
            while not queue.empty():
                i = queue.get_nowait()
                kw = dict(reqs[i])
                results[i] = await c.request(kw.pop("method"), kw.pop("path"), **kw)
        finally:
            c.close()
    await asyncio.gather(*(lane() for _ in range(min(conns, len(reqs)))))
    return results
