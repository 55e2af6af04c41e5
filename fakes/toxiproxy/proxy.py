"""A named TCP proxy: a listener, its upstream, its toxics and open connections.

Listen addresses follow Go's `net.Listen("tcp", addr)`: ``host:port`` with
port 0 picking an ephemeral port; a running proxy reports the resolved
``ip:port``; errors carry Go's text.  Go answers every listen error with a 500;
we keep 500 for a failed bind (the port is taken: the machine's state) but
answer 400 when the address itself is unusable (syntax, port, unknown host,
off loopback), since that is the caller's input to fix.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
from typing import TYPE_CHECKING, Any

from fakes.toxiproxy.connection import ClientSide, Connection
from fakes.toxiproxy.errors import ApiError, internal
from fakes.toxiproxy.toxic_collection import ToxicCollection

if TYPE_CHECKING:
    from fakes.toxiproxy.metrics import ProxyMetrics

_ERRNO_TEXT = {
    errno.EADDRINUSE: "address already in use",
    errno.EADDRNOTAVAIL: "cannot assign requested address",
    errno.EACCES: "permission denied",
}


class ListenError(ApiError):
    """The bind failed (e.g. address already in use): Go's 500."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 500)


class AddressError(ApiError):
    """The listen address cannot be used at all: a 400 with Go's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 400)


def split_host_port(addr: str) -> tuple[str, str]:
    """Go's `net.SplitHostPort`, with its error texts."""
    if addr.startswith("["):
        end = addr.find("]")
        if end < 0:
            raise AddressError(f"listen tcp: address {addr}: missing ']' in address")
        host, rest = addr[1:end], addr[end + 1 :]
        if not rest.startswith(":"):
            raise AddressError(f"listen tcp: address {addr}: missing port in address")
        return host, rest[1:]
    if ":" not in addr:
        raise AddressError(f"listen tcp: address {addr}: missing port in address")
    host, port = addr.rsplit(":", 1)
    if ":" in host:
        raise AddressError(f"listen tcp: address {addr}: too many colons in address")
    return host, port


def format_addr(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def resolve(addr: str) -> tuple[str, int]:
    """Go's `net.ResolveTCPAddr`: hostname -> IP (IPv4 preferred), port checked.

    An empty address is Go's "any interface, any port" (`net.Listen("tcp", "")`),
    so a proxy created without `listen` gets an ephemeral port.  Lookups run in
    the loop's executor: a slow resolver must not stall every proxy's traffic.
    """
    if addr == "":
        return "", 0
    host, port_text = split_host_port(addr)
    if not (port_text.isascii() and port_text.isdigit()):
        raise AddressError(f"listen tcp: lookup tcp/{port_text}: unknown port")
    port = int(port_text)
    if port > 65535:
        raise AddressError(f"listen tcp: address {port_text}: invalid port")
    if host == "":
        return "", port
    try:
        ipaddress.ip_address(host)
        return host, port
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):  # ValueError: NUL bytes, IDNA labels too long
        raise AddressError(f"listen tcp: lookup {host}: no such host") from None
    infos.sort(key=lambda info: info[0] != socket.AF_INET)
    return str(infos[0][4][0]), port


async def resolved_string(addr: str) -> str:
    host, port = await resolve(addr)
    return format_addr(host, port)


class Proxy:
    """Go's `Proxy`: `listen` is the resolved address while running, verbatim otherwise."""

    def __init__(self, name: str, listen: str, upstream: str, *, allow_non_loopback: bool) -> None:
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = False
        self.allow_non_loopback = allow_non_loopback
        self.toxics = ToxicCollection(self)
        self.metrics: ProxyMetrics | None = None  # set by the collection with -proxy-metrics
        self.conns: set[Connection] = set()
        # Ours, not Go's: every connection the listener accepted since the proxy was created
        # (GET /proxies/{p}/connections), so a drill can count a client's attempts on a link.
        self.accepted = 0
        self.server: asyncio.Server | None = None
        self._hold: socket.socket | None = None  # the port of a disabled proxy (see stop)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "Logger": {},
            "toxics": [w.to_json() for w in self.toxics.ordered()],
        }

    async def differs(self, listen: str, upstream: str) -> bool:
        """Go's `Differs`: resolved listen or upstream changed (hostname vs IP is no change)."""
        return self.listen != await resolved_string(listen) or self.upstream != upstream

    def _bind(self, host: str, port: int) -> socket.socket:
        if host == "":
            host = "::" if self.allow_non_loopback else "127.0.0.1"
        elif not self.allow_non_loopback and not ipaddress.ip_address(host).is_loopback:
            raise AddressError(
                f"listen tcp {format_addr(host, port)}: refused: not a loopback address "
                "(start the server with --allow-non-loopback to permit it)"
            )
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            sock.listen(4096)
        except OSError as exc:
            sock.close()
            text = _ERRNO_TEXT.get(exc.errno or 0, (exc.strerror or str(exc)).lower())
            raise ListenError(f"listen tcp {format_addr(host, port)}: bind: {text}") from None
        sock.setblocking(False)
        return sock

    async def start(self) -> None:
        """Listen; raises `AddressError` (400) or `ListenError` (500) with Go's text."""
        if self.server is not None:
            raise internal("Proxy already started")
        sock = self._bind(*await resolve(self.listen))
        self._release()
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: ClientSide(self), sock=sock)
        host, port = sock.getsockname()[:2]
        self.listen = format_addr(host, port)
        self.enabled = True

    def stop(self, *, keep_port: bool = False) -> None:
        """Close the listener and every connection; harmless when already stopped.

        keep_port (a disable, ours not Go's): the address stays bound by a socket that does
        not listen, so a dial is refused exactly as by Go, but no other process asking the
        kernel for a free port (bind to port 0) is handed this one while it is dark; a
        drill's `down` fault must not end up dialling somebody else's server."""
        server, self.server = self.server, None
        self.enabled = False
        if server is not None:
            addrs = [s.getsockname() for s in server.sockets]
            server.close()
            if keep_port and addrs:
                self._hold_port(addrs[0])
        if not keep_port:
            self._release()
        for conn in list(self.conns):
            conn.abort()
        self.conns.clear()

    def _hold_port(self, addr: tuple[Any, ...]) -> None:
        self._release()
        hold = socket.socket(socket.AF_INET6 if ":" in str(addr[0]) else socket.AF_INET,
                             socket.SOCK_STREAM)
        hold.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # our own start rebinds
        try:
            hold.bind(addr[:2])
        except OSError:
            hold.close()  # somebody took it in the instant between: nothing left to hold
            return
        self._hold = hold

    def _release(self) -> None:
        hold, self._hold = self._hold, None
        if hold is not None:
            hold.close()
