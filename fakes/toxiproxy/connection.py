"""One proxied TCP connection: the client socket, the upstream socket, two links.

Go's proxy dials the upstream for each accepted client and closes the client
at once if the dial fails (the client sees EOF).  Client reading stays paused
until the upstream is connected, so no byte is read before it has somewhere
to go.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import TYPE_CHECKING

from fakes.toxiproxy.link import Link

if TYPE_CHECKING:
    from fakes.toxiproxy.proxy import Proxy

_LINGER_ZERO = struct.pack("ii", 1, 0)
WRITE_HIGH = 1024 * 1024
WRITE_LOW = 256 * 1024


class Side(asyncio.Protocol):
    """Protocol for one socket; `reader` is the link it feeds, `writer` the link feeding it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.transport: asyncio.Transport | None = None
        self.reader: Link | None = None
        self.writer: Link | None = None
        self.lost = False
        self.early: list[bytes] = []  # read before the links existed (uvloop may start reading)
        self.early_eof = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is duck-typed
        # Bigger than asyncio's 64 KiB default: far fewer pause/resume flips in bulk transfers.
        transport.set_write_buffer_limits(high=WRITE_HIGH, low=WRITE_LOW)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        reader = self.reader
        if reader is not None:
            reader.data_received(data)
        else:
            self.early.append(data)
            if self.transport is not None:
                self.transport.pause_reading()

    def eof_received(self) -> bool:
        if self.reader is not None:
            self.reader.src_eof()
        else:
            self.early_eof = True
        return True  # keep our write side open until the other link ends, as Go does

    def pause_writing(self) -> None:
        if self.writer is not None:
            self.writer.pause_writing()

    def resume_writing(self) -> None:
        if self.writer is not None:
            self.writer.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.conn.side_lost(self)


class ClientSide(Side):
    """The accepted socket; creating it starts the dial to the upstream."""

    def __init__(self, proxy: Proxy) -> None:
        super().__init__(Connection(proxy))
        self.conn.client = self

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        assert self.transport is not None
        self.transport.pause_reading()
        self.conn.proxy.conns.add(self.conn)
        self.conn.proxy.accepted += 1
        self.conn.dial_task = asyncio.get_running_loop().create_task(self.conn.dial())


class Connection:
    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.client: ClientSide | None = None
        self.upstream: Side | None = None
        self.up: Link | None = None  # client -> upstream ("upstream" stream)
        self.down: Link | None = None  # upstream -> client ("downstream" stream)
        self.dial_task: asyncio.Task[None] | None = None
        self.aborted = False

    async def dial(self) -> None:
        client = self.client
        assert client is not None and client.transport is not None
        host, _, port = self.proxy.upstream.rpartition(":")
        try:
            _tr, side = await asyncio.get_running_loop().create_connection(
                lambda: Side(self), host.strip("[]") or "127.0.0.1", int(port)
            )
        except (OSError, ValueError):
            client.transport.close()  # Go: dial failed, close the client (it sees EOF)
            return
        self.upstream = side
        assert side.transport is not None
        if self.aborted or client.lost:
            side.transport.abort()
            return
        if self.proxy.toxics.has_type("reset_peer"):
            for tr in (client.transport, side.transport):
                sock = tr.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        chain = self.proxy.toxics.chain
        metrics = self.proxy.metrics
        self.up = Link(client.transport, side.transport, chain(True), self._done,
                       metrics.meter(self.proxy, True) if metrics else None)
        self.down = Link(side.transport, client.transport, chain(False), self._done,
                         metrics.meter(self.proxy, False) if metrics else None)
        client.reader = side.writer = self.up
        side.reader = client.writer = self.down
        for early_side, link in ((client, self.up), (side, self.down)):
            for data in early_side.early:
                link.data_received(data)
            early_side.early.clear()
            if early_side.early_eof:
                link.src_eof()
        for early_side in (client, side):
            if early_side.lost:
                self.side_lost(early_side)
            elif early_side.transport is not None:
                early_side.transport.resume_reading()

    def link(self, upstream: bool) -> Link | None:
        return self.up if upstream else self.down

    def _done(self, link: Link) -> None:
        pass  # the transports' connection_lost drive the rest

    def side_lost(self, side: Side) -> None:
        if side.reader is not None:
            side.reader.src_eof()
        if side.writer is not None:
            side.writer.dst_lost()
        client, upstream = self.client, self.upstream
        if (client is None or client.lost) and (upstream is None or upstream.lost):
            self.proxy.conns.discard(self)
        elif client is not None and client.lost and self.up is None:
            self.proxy.conns.discard(self)  # client left while we were dialing

    def abort(self) -> None:
        """Drop both sockets now (proxy stopped, disabled or deleted)."""
        self.aborted = True
        for side in (self.client, self.upstream):
            if side is not None and side.transport is not None:
                side.transport.abort()
        self.proxy.conns.discard(self)
