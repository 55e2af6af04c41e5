"""The buyers' HTTP/1.1 client (drill/load/wire.py, drill/load/lean.py) against raw loopback
servers that frame answers every legal way, close idle connections and die mid-request."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drill.load.lean import LeanClient, LeanResponse
from drill.load.wire import form_body
from tests.fakes.toxiproxy.helpers import TcpServer

Answer = Callable[[bytes], bytes | None]   # request bytes -> reply bytes, None: close at once


class RawServer:
    """A thread accepting loopback connections; each request gets `answer(request)`.
    Keeps what it received and how many connections it accepted."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[bytes] = []
        self.accepted = 0
        self.close_after = False           # close each connection after its first answer
        self.tcp = TcpServer(self._counted)
        self.conns = self.tcp.conns
        self.url = f"http://{self.tcp.addr}"

    def _counted(self, conn: socket.socket) -> None:
        self.accepted += 1
        self._serve(conn)

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buf += chunk
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = next((int(ln.split(b":", 1)[1]) for ln in head.split(b"\r\n")
                               if ln.lower().startswith(b"content-length:")), 0)
                while len(buf) < length:
                    buf += conn.recv(65536)
                request, buf = head + b"\r\n\r\n" + buf[:length], buf[length:]
                self.requests.append(request)
                reply = self.answer(request)
                if reply is None:
                    return
                conn.sendall(reply)
                if self.close_after:
                    return

    def close_idle(self) -> None:
        """Close every accepted connection from the server side (a keep-alive timeout)."""
        for conn in self.conns:
            conn.shutdown(socket.SHUT_RDWR)
        self.conns.clear()

    def close(self) -> None:
        self.tcp.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], RawServer]]:
    servers: list[RawServer] = []

    def start(answer: Answer) -> RawServer:
        servers.append(RawServer(answer))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def _client(fired: list[dict[str, Any]] | None = None, keep: int = 4) -> LeanClient:
    return LeanClient(lambda **kw: (fired if fired is not None else []).append(kw),
                      concurrency=keep, connection_timeout=2.0, network_timeout=2.0)


def _fixed(reply: bytes) -> Answer:
    return lambda _req: reply


def test_content_length_keep_alive_reuses_one_connection(serve: Callable[[Answer], RawServer]
                                                          ) -> None:
    srv = serve(_fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}"))
    fired: list[dict[str, Any]] = []
    c = _client(fired)
    for _ in range(5):
        r = c.get(f"{srv.url}/x?token=t", name="x")
        assert (r.status_code, r.json(), r.error) == (200, {"a": 1}, None)
    assert srv.accepted == 1
    assert srv.requests[0].startswith(b"GET /x?token=t HTTP/1.1\r\n")
    assert f"Host: {srv.url[7:]}".encode() in srv.requests[0]
    assert [f["name"] for f in fired] == ["x"] * 5 and fired[0]["response_length"] == 7


def test_chunked_body_with_extensions_and_trailers(serve: Callable[[Answer], RawServer]) -> None:
    srv = serve(_fixed(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Trailer: y\r\n\r\n"))
    c = _client()
    assert [c.get(srv.url + "/", name="c").content for _ in range(2)] == [b"abcdefg"] * 2
    assert srv.accepted == 1


@pytest.mark.parametrize("reply", [b"HTTP/1.0 200 OK\r\n\r\nuntil-eof",
                                   b"HTTP/1.1 200 OK\r\nConnection: close\r\n"
                                   b"Content-Length: 9\r\n\r\nuntil-eof"])
def test_unframed_or_closing_answers_are_read_and_not_reused(
        serve: Callable[[Answer], RawServer], reply: bytes) -> None:
    srv = serve(_fixed(reply))
    srv.close_after = True
    c = _client()
    assert [c.get(srv.url + "/a", name="a").content for _ in range(2)] == [b"until-eof"] * 2
    assert srv.accepted == 2


def test_informational_answer_is_skipped_and_204_has_no_body(
        serve: Callable[[Answer], RawServer]) -> None:
    srv = serve(_fixed(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"))
    c = _client()
    r = c.post(srv.url + "/p", name="p", json={"k": "v"})
    assert (r.status_code, r.content) == (204, b"")
    assert srv.requests[0].startswith(b"POST /p HTTP/1.1\r\n")
    assert b"Content-Length: 9\r\n" in srv.requests[0] and srv.requests[0].endswith(b'{"k":"v"}')
    assert b"Content-Type: application/json\r\n" in srv.requests[0]


def test_stale_idle_connection_is_replaced_before_sending(
        serve: Callable[[Answer], RawServer]) -> None:
    srv = serve(_fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    c = _client()
    assert c.post(srv.url + "/1", name="1", data=b"a=1").status_code == 200
    srv.close_idle()                       # the server's keep-alive timeout fired
    r = c.post(srv.url + "/2", name="2", data=b"a=2")
    assert (r.status_code, r.content) == (200, b"ok")
    assert srv.accepted == 2 and [q.split(b" ")[1] for q in srv.requests] == [b"/1", b"/2"]


def test_post_whose_connection_dies_unanswered_is_unknown_not_resent(
        serve: Callable[[Answer], RawServer]) -> None:
    srv = serve(_fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    fired: list[dict[str, Any]] = []
    c = _client(fired)
    assert c.get(srv.url + "/warm", name="w").status_code == 200
    srv.answer = lambda _req: None        # reads the order, then dies before answering
    r = c.post(srv.url + "/api/orders", name="create", json={"q": 1})
    assert r.status_code == 0 and r.error is not None
    assert fired[-1]["exception"] is r.error
    assert sum(q.startswith(b"POST") for q in srv.requests) == 1  # sent once: may have happened


def test_get_whose_reused_connection_dies_unanswered_is_sent_again(
        serve: Callable[[Answer], RawServer]) -> None:
    answers = iter([b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", None,
                    b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"])
    srv = serve(lambda _req: next(answers))
    c = _client()
    assert c.get(srv.url + "/s", name="s").content == b"1"
    assert c.get(srv.url + "/s", name="s").content == b"2"
    assert srv.accepted == 2


def test_refused_timeout_and_garbage_are_status_zero(serve: Callable[[Answer], RawServer]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    c = LeanClient(lambda **kw: None, concurrency=1, connection_timeout=1.0,
                   network_timeout=0.3)
    assert c.get(dead + "/", name="d").status_code == 0
    silent = serve(lambda _req: b"")      # reads the request, never answers
    r = c.get(silent.url + "/", name="t")
    assert r.status_code == 0 and isinstance(r.error, TimeoutError)
    junk = serve(_fixed(b"SSH-2.0-OpenSSH\r\n\r\n"))
    assert c.get(junk.url + "/", name="j").status_code == 0
    with pytest.raises(ValueError, match="plain http only"):
        c._target("https://127.0.0.1:1/")


def test_error_status_is_a_locust_failure_with_its_body(serve: Callable[[Answer], RawServer]
                                                         ) -> None:
    srv = serve(_fixed(b"HTTP/1.1 409 Conflict\r\nContent-Length: 12\r\n\r\nout of stock"))
    fired: list[dict[str, Any]] = []
    r = _client(fired).get(srv.url + "/", name="x")
    assert (r.status_code, r.text) == (409, "out of stock")
    assert "409" in str(fired[0]["exception"])


@pytest.mark.parametrize("body", [
    b'{"order_no": "S1", "amount": "50.00", "n": 3, "ok": true, "x": null, "f": 0.1}',
    b'{"big": 123456789012345678901234567890, "nan": NaN}',     # orjson refuses: json.loads
    '{"name": "Steam ¥50"}'.encode("utf-16"),                  # not UTF-8: json.loads
    b'[1, 2]',
])
def test_lean_json_parses_what_json_loads_parses(body: bytes) -> None:
    got = LeanResponse(200, body, None).json()
    want = json.loads(body)
    assert repr(got) == repr(want)


def test_lean_json_raises_on_what_is_no_json() -> None:
    with pytest.raises(ValueError):
        LeanResponse(200, b"<html>", None).json()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUE = st.one_of(_TEXT, st.sampled_from(["a b+c", "http://h:1/p?q=1&r=%", "¥50 ~x_y.z-"]),
                   st.integers(), st.binary(max_size=6), st.booleans())


@given(st.dictionaries(st.one_of(_TEXT, st.integers()), _VALUE, max_size=6))
def test_form_body_is_urlencode(params: dict[Any, Any]) -> None:
    assert form_body(params) == urlencode(params)


def test_form_body_takes_pairs_as_urlencode_does() -> None:
    pairs = [("a", "1 2"), ("a", "3")]
    assert form_body(pairs) == urlencode(pairs) == "a=1+2&a=3"
