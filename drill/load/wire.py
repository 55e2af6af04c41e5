"""HTTP/1.1 on gevent sockets, just what buyers need: one keep-alive pool per origin.

Why not geventhttpclient (which drill/load/lean.py used): profiled in the
harness-cost bench (bench/harness_cost.py), its Python layer — header objects,
request validation, a pool whose liveness check is a select() plus a
getsockopt() per request (gevent's sendall asks SO_SNDBUF every time), the
response wrapper — was about half of the Locust process's CPU. Buyers send
small requests to plain-http loopback shops, so a request here is one
pre-formatted write and a response is read by hand: the status line, the three
headers that frame a body (Content-Length, Transfer-Encoding: chunked,
Connection), else read to EOF. A reused connection is checked with one
non-blocking MSG_PEEK; a GET that finds it dead after all (no byte of an
answer) is sent once more on a fresh connection, a POST is not (it may have
been processed: RFC 9110 §9.2.2). Timeouts are gevent socket timeouts.
"""

from __future__ import annotations

import re
import socket as _stdsocket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

from gevent import socket

MAX_HEAD = 64 * 1024
RECV = 65536
USER_AGENT = "faka-drill-buyer"
_FORM_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote_plus leaves as it is
_FORM_UNSAFE = re.compile(r"[^A-Za-z0-9_.~ -]")   # what it escapes (a space becomes "+")
_PCT = {chr(i): f"%{i:02X}" for i in range(128)}


class WireError(Exception):
    """A response that is not HTTP/1.x, or a connection that ended inside one."""


class _Closed(WireError):
    """The peer closed before sending any byte of the answer (a stale keep-alive conn)."""


@dataclass
class Origin:
    """host:port and its idle keep-alive connections (newest last)."""

    host: str
    port: int
    connect_timeout: float
    timeout: float
    keep: int
    idle: list[socket.socket] = field(default_factory=list)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 80 else f"{host}:{self.port}"

    def connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        sock.settimeout(self.timeout)
        return sock

    def checkout(self) -> socket.socket | None:
        """The newest idle connection still open (and quiet), or None."""
        while self.idle:
            sock = self.idle.pop()
            if _quiet(sock):
                return sock
            sock.close()
        return None

    def checkin(self, sock: socket.socket) -> None:
        if len(self.idle) < self.keep:
            self.idle.append(sock)
        else:
            sock.close()

    def close(self) -> None:
        for sock in self.idle:
            sock.close()
        self.idle.clear()


def _quiet(sock: socket.socket) -> bool:
    """An idle keep-alive connection must have nothing to read: not EOF, not stray bytes.
    Asked of gevent's raw socket (non-blocking, not tied to the hub: gevent's own recv
    would wait), so the socket's timeout is not touched twice a request."""
    try:
        sock._sock.recv(1, _stdsocket.MSG_PEEK | _stdsocket.MSG_DONTWAIT)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def exchange(origin: Origin, method: str, payload: bytes) -> tuple[int, bytes]:
    """Send one request (`payload`: head and body) and read its answer: (status, body)."""
    sock = origin.checkout()
    reused = sock is not None
    if sock is None:
        sock = origin.connect()
    try:
        status, body, keep = _send_and_read(sock, method, payload)
    except _Closed:
        sock.close()
        if not reused or method not in ("GET", "HEAD"):
            raise
        sock = origin.connect()
        try:
            status, body, keep = _send_and_read(sock, method, payload)
        except BaseException:
            sock.close()
            raise
    except BaseException:
        sock.close()
        raise
    if keep:
        origin.checkin(sock)
    else:
        sock.close()
    return status, body


def _send_and_read(sock: socket.socket, method: str, payload: bytes) -> tuple[int, bytes, bool]:
    view = memoryview(payload)
    while view:
        view = view[sock.send(view):]
    return read_response(sock, method)


def read_response(sock: socket.socket, method: str) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of the next response on `sock` (1xx answers skipped)."""
    buf = bytearray()
    while True:
        end = buf.find(b"\r\n\r\n")
        while end < 0:
            _fill(sock, buf, first=not buf)
            if len(buf) > MAX_HEAD:
                raise WireError(f"response head over {MAX_HEAD} bytes")
            end = buf.find(b"\r\n\r\n")
        head = bytes(buf[:end])
        del buf[: end + 4]
        lines = head.split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        try:
            status = int(rest[:3])
        except ValueError:
            raise WireError(f"malformed status line {lines[0][:80]!r}") from None
        if not version.startswith(b"HTTP/1."):
            raise WireError(f"not an HTTP/1.x answer: {lines[0][:80]!r}")
        if 100 <= status < 200 and status != 101:
            continue  # 100 Continue and friends: the real answer follows
        return _body(sock, buf, method, status, version, lines[1:])


def _body(sock: socket.socket, buf: bytearray, method: str, status: int, version: bytes,
          lines: list[bytes]) -> tuple[int, bytes, bool]:
    length: int | None = None
    chunked, conn = False, b""
    for line in lines:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        elif key == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif key == b"connection":
            conn = value.strip().lower()
    keep = conn != b"close" if version == b"HTTP/1.1" else conn == b"keep-alive"
    if method == "HEAD" or status in (204, 304):
        return status, b"", keep
    if chunked:
        return status, _chunked(sock, buf), keep
    if length is not None:
        while len(buf) < length:
            _fill(sock, buf)
        return status, bytes(buf[:length]), keep and len(buf) == length
    while True:  # no framing: the body runs to EOF
        chunk = sock.recv(RECV)
        if not chunk:
            return status, bytes(buf), False
        buf += chunk


def _chunked(sock: socket.socket, buf: bytearray) -> bytes:
    out = bytearray()
    while True:
        end = buf.find(b"\r\n")
        while end < 0:
            _fill(sock, buf)
            end = buf.find(b"\r\n")
        try:
            size = int(bytes(buf[:end]).split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise WireError(f"malformed chunk size {bytes(buf[:end])[:40]!r}") from None
        del buf[: end + 2]
        if size == 0:
            while (end := buf.find(b"\r\n")) != 0:   # trailers, then the empty line
                if end < 0:
                    _fill(sock, buf)
                else:
                    del buf[: end + 2]
            del buf[:2]
            return bytes(out)
        while len(buf) < size + 2:
            _fill(sock, buf)
        out += buf[:size]
        del buf[: size + 2]


def _fill(sock: socket.socket, buf: bytearray, *, first: bool = False) -> None:
    chunk = sock.recv(RECV)
    if not chunk:
        if first:
            raise _Closed("the connection closed before any byte of the answer")
        raise WireError("the connection closed in the middle of the answer")
    buf += chunk


def request_bytes(method: str, target: str, host: str, body: bytes,
                  headers: dict[str, str] | None) -> bytes:
    """One request's bytes; Content-Length always for a body or a POST/PUT/PATCH."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items()) if headers else ""
    length = (f"Content-Length: {len(body)}\r\n"
              if body or method in ("POST", "PUT", "PATCH") else "")
    return (f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"{extra}{length}\r\n").encode("latin-1") + body


def form_body(params: Any) -> str:
    """`urllib.parse.urlencode(params)`, the same text, cheaper for a mapping of ASCII text
    (pay_params: ~2.5× cheaper on this box): one regex pass a value instead of quote_plus's
    per-character join."""
    if not isinstance(params, Mapping):
        return urlencode(params)
    return "&".join(f"{_plus(k)}={_plus(v)}" for k, v in params.items())


def _plus(value: Any) -> str:
    """quote_plus(value): ASCII text by one regex pass, the rest by quote_plus itself."""
    if not isinstance(value, str):
        return quote_plus(value if isinstance(value, bytes) else str(value))
    if _FORM_SAFE.fullmatch(value):
        return value
    if value.isascii():
        return _FORM_UNSAFE.sub(_escape, value).replace(" ", "+")
    return quote_plus(value)


def _escape(m: re.Match[str]) -> str:
    return _PCT[m.group()]
