"""Process-level behaviour: Go-style flags, -config populate, READY payload, clean SIGTERM."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from runtime import ManagedProcess
from tests.fakes.toxiproxy.helpers import Http, TcpServer, connect, echo_rtt


def test_go_flags_config_file_and_ready(tmp_path: Path, echo: TcpServer) -> None:
    config = tmp_path / "toxiproxy.json"
    config.write_text(json.dumps([
        {"name": "from_config", "listen": "127.0.0.1:0", "upstream": echo.addr,
         "toxics": [{"type": "latency"}]},
        {"name": "no_listen", "upstream": echo.addr},
    ]))
    proc = ManagedProcess("toxiproxy-cli", [
        sys.executable, "-m", "fakes.toxiproxy", "-host", "127.0.0.1", "-port", "0",
        "-config", str(config), "-seed", "3",
    ])
    ready = proc.start()
    try:
        assert ready["version"] == "2.12.0"
        assert ready["url"] == f"http://127.0.0.1:{ready['port']}"
        http = Http(proc.port)
        proxy = http.json("GET", "/proxies/from_config")[1]
        assert proxy["enabled"] is True and proxy["toxics"] == []
        with connect(proxy["listen"]) as sock:
            echo_rtt(sock, b"configured")
        ephemeral = http.json("GET", "/proxies/no_listen")[1]  # no listen: an ephemeral port
        assert ephemeral["enabled"] is True and ephemeral["listen"].startswith("127.0.0.1:")
        with connect(ephemeral["listen"]) as sock:
            echo_rtt(sock, b"configured without listen")
    finally:
        assert proc.stop() == 0


def test_proxy_metrics_flag_serves_byte_counters(echo: TcpServer) -> None:
    proc = ManagedProcess("toxiproxy-metrics", [
        sys.executable, "-m", "fakes.toxiproxy", "-host", "127.0.0.1", "-port", "0",
        "-proxy-metrics",
    ])
    proc.start()
    try:
        http = Http(proc.port)
        status, proxy = http.json("POST", "/proxies", {"name": "m", "listen": "127.0.0.1:0",
                                                       "upstream": echo.addr})
        assert status == 201
        with connect(proxy["listen"]) as sock:
            echo_rtt(sock, b"x" * 100)
            echo_rtt(sock, b"y" * 100)
        status, headers, body = http.request("GET", "/metrics")
        text = body.decode()
        assert status == 200 and headers["content-type"].startswith("text/plain")
        labels = f'listener="{proxy["listen"]}",proxy="m",upstream="{echo.addr}"'
        for name in ("received", "sent"):
            for direction in ("upstream", "downstream"):
                line = (f'toxiproxy_proxy_{name}_bytes_total{{direction="{direction}",'
                        f'{labels}}} 200.0')
                assert line in text, text
    finally:
        proc.stop()


def test_metrics_is_a_404_without_the_flag(http: Http) -> None:
    status, _headers, body = http.request("GET", "/metrics")
    assert (status, body) == (404, b"404 page not found\n")
