"""reset_peer keeps its appointment: a toxic change during its wait does not cancel the reset.

Go's `ResetToxic.Pipe` waits with an uninterruptible `<-time.After(timeout)`
once the first chunk arrived, so an update, a toxic appended behind it, a
toxicity of 0 or its removal all still end in the RST at the original
deadline.  The server runs with -proxy-metrics so the test can see the
trigger chunk reach the proxy (the downstream byte counter) before it changes
the toxic: that is the moment the wait is armed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

from runtime import ManagedProcess
from tests.fakes.toxiproxy.helpers import HANG, Http, TcpServer, connect
from tests.waiting import wait_until

PATH = "/proxies/rp/toxics/reset_peer_downstream"


@pytest.fixture(scope="module")
def metered() -> Iterator[Http]:
    proc = ManagedProcess("toxiproxy-metered", [
        sys.executable, "-m", "fakes.toxiproxy", "-host", "127.0.0.1", "-port", "0",
        "-proxy-metrics",
    ])
    proc.start()
    try:
        yield Http(proc.port)
    finally:
        assert proc.stop() == 0


def downstream_bytes(http: Http, listen: str) -> float:
    """Bytes the proxy listening on `listen` read from its upstream."""
    prefix = f'toxiproxy_proxy_received_bytes_total{{direction="downstream",listener="{listen}"'
    for line in http.request("GET", "/metrics")[2].decode().splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def change_toxic(http: Http, change: str) -> None:
    if change == "update":
        assert http.json("PATCH", PATH, {"attributes": {"timeout": 60_000}})[0] == 200
    elif change == "toxicity-0":
        assert http.json("PATCH", PATH, {"toxicity": 0})[0] == 200
    elif change == "append":
        assert http.json("POST", "/proxies/rp/toxics", {"type": "latency"})[0] == 200
    else:
        assert http.request("DELETE", PATH)[0] == 204


@pytest.mark.parametrize("change", ["update", "toxicity-0", "append", "remove"])
def test_reset_comes_at_the_original_deadline(
    metered: Http, echo: TcpServer, change: str
) -> None:
    status, proxy = metered.json("POST", "/proxies", {"name": "rp", "upstream": echo.addr})
    assert status == 201
    try:
        metered.json("POST", "/proxies/rp/toxics",
                     {"type": "reset_peer", "attributes": {"timeout": 300}})
        with connect(proxy["listen"], timeout=HANG) as sock:
            start = time.perf_counter()
            sock.sendall(b"trigger")  # echoed back into the toxic: the reset is due in 300 ms
            wait_until(lambda: downstream_bytes(metered, proxy["listen"]) >= len(b"trigger"),
                       what="trigger read by the proxy")
            change_toxic(metered, change)
            with pytest.raises(ConnectionResetError):
                while sock.recv(1024):
                    pass
            elapsed = time.perf_counter() - start
        assert 0.295 <= elapsed < HANG, elapsed
    finally:
        metered.request("DELETE", "/proxies/rp")
