"""One embedded Toxiproxy process per session, started with ManagedProcess; reset per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from toxiproxy import Toxiproxy

from runtime import ManagedProcess
from tests.fakes.toxiproxy.helpers import Http, TcpServer, echo_handler


@pytest.fixture(scope="session")
def server() -> Iterator[ManagedProcess]:
    proc = ManagedProcess(
        "toxiproxy",
        [sys.executable, "-m", "fakes.toxiproxy", "--host", "127.0.0.1", "--port", "0",
         "--seed", "7"],
    )
    proc.start()
    try:
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"toxiproxy exited with {code}"


@pytest.fixture
def http(server: ManagedProcess) -> Iterator[Http]:
    """Raw HTTP client; every proxy is deleted after the test (Go's Collection.Clear)."""
    api = Http(server.port)
    yield api
    _status, proxies = api.json("GET", "/proxies")
    for name in proxies:
        api.request("DELETE", f"/proxies/{name}")


@pytest.fixture
def client(http: Http) -> Toxiproxy:
    tp = Toxiproxy()
    tp.update_api_consumer("127.0.0.1", http.port)
    return tp


@pytest.fixture
def echo() -> Iterator[TcpServer]:
    srv = TcpServer(echo_handler)
    yield srv
    srv.close()
