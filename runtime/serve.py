"""Run an ASGI app on a socket bound by us, so port 0 works and READY is exact.

Every service and fake uses this: uvloop + httptools, no access log (it halves
throughput), SIGTERM handled by uvicorn; an app's `fast_match` routes are answered
without an ASGI cycle (fastpath.py).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from typing import Any

import uvicorn

from runtime.announce import announce_ready
from runtime.fastpath import FastPathProtocol
from runtime.loopback import NonLoopbackError, ensure_loopback


def add_server_args(parser: argparse.ArgumentParser, *, default_port: int = 0) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default_port, help="port; 0 picks a free one")
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        default=os.environ.get("FAKA_DRILL_ALLOW_NON_LOOPBACK") == "1",
        help="permit binding an address that is not loopback",
    )


def bind_socket(host: str, port: int, *, allow_non_loopback: bool = False,
                reuse_port: bool = False) -> socket.socket:
    """Bind a listening TCP socket; exit 2 with a clear message when we must not or cannot.
    `reuse_port`: SO_REUSEPORT, several processes' sockets on one port (the kernel spreads
    new connections across them)."""
    try:
        ensure_loopback(host, allow=allow_non_loopback, what="bind address")
    except NonLoopbackError as exc:
        sys.exit(f"error: {exc}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        sys.exit(f"error: cannot bind {host}:{port}: {exc.strerror}; pick another --port or 0")
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class _AnnouncingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready_extra: dict[str, Any],
                 announce: bool = True) -> None:
        super().__init__(config)
        self._ready_extra, self._announce = ready_extra, announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit and sockets and self._announce:
            announce_ready(sockets[0].getsockname()[1], **self._ready_extra)


def serve(app: Any, sock: socket.socket, *, log_level: str = "warning", announce: bool = True,
          **ready_extra: Any) -> None:
    """Serve `app` on `sock` until SIGINT/SIGTERM; print READY once accepting (unless not
    `announce`: a forked sibling serving the same socket, whose parent announced)."""
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http=FastPathProtocol,   # httptools, one send() a response, apps' fast routes (fastpath.py)
        lifespan="on",
        access_log=False,
        proxy_headers=False,      # nothing sits in front but TCP proxies: one middleware less
        log_level=log_level,
        timeout_graceful_shutdown=3,
        backlog=2048,
    )
    server = _AnnouncingServer(config, ready_extra, announce)
    server.run(sockets=[sock])
