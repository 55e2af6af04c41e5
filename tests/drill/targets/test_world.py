"""The fixed world (`--world-ports`, `--world FILE`, `world --print`) and the refusals a
target run makes before any folder exists; collect never asks a blind run's export."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from drill.collect import CollectTargets, collect
from drill.errors import DrillError, StackError
from drill.options import RunOptions
from drill.scenario import load_scenario
from drill.stack.world import LAYOUT, WorldSpec, load_world_file, refuse_taken_ports
from drill.stack.world_table import addresses, fixed_links, render, target_world, to_toml
from drill.targets.conduct import refuse_target

ROOT = Path(__file__).resolve().parents[3]


def test_layout_puts_every_component_at_base_plus_k() -> None:
    spec = WorldSpec(40000)
    ports = [spec.port(n) for n in LAYOUT]
    assert ports == list(range(40000, 40000 + len(LAYOUT)))
    a = addresses(spec)
    assert a.gateway_cashier == "http://127.0.0.1:40000"
    assert a.notify_base == f"http://127.0.0.1:{spec.port('gateway_notify')}"
    assert a.suppliers["primary"].url.endswith(str(spec.port("supplier_primary")))
    world = target_world(a)
    assert world.gateway.buyer_url == "http://127.0.0.1:40000"
    assert world.shop_url_for_gateway == a.notify_base
    assert WorldSpec().port("gateway") == 0                 # not fixed: ephemeral


def test_world_table_in_both_languages_names_every_address() -> None:
    a = addresses(WorldSpec(40000))
    en, zh = render(a, "en"), render(a, "zh")
    for value in (a.gateway_api, a.gateway_cashier, a.pid, a.key, a.notify_base, a.mail_url,
                  *a.alerts.values(), *(s.url for s in a.suppliers.values())):
        assert value in en and value in zh
    assert "商户密钥" in zh and "merchant key" in en


def test_world_file_round_trips_and_bad_files_say_what_to_write(tmp_path: Path) -> None:
    path = tmp_path / "world.toml"
    path.write_text(to_toml(WorldSpec(41000, pid="77", key="k")), encoding="utf-8")
    spec = load_world_file(path)
    assert (spec.base_port, spec.pid, spec.key) == (41000, "77", "k")
    path.write_text("base_port = 41000\ncolour = 'red'\n", encoding="utf-8")
    with pytest.raises(StackError, match="colour"):
        load_world_file(path)
    with pytest.raises(StackError, match="out of range"):
        WorldSpec(80, source="--world-ports 80")


def test_a_taken_port_is_refused_naming_it() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        base = s.getsockname()[1]
        with pytest.raises(StackError, match=f"{base} \\(gateway\\)"):
            refuse_taken_ports(WorldSpec(base, source="--world-ports"))


def test_target_runs_refuse_before_any_folder(tmp_path: Path) -> None:
    smoke = load_scenario("smoke")
    out = tmp_path / "reports"
    with pytest.raises(DrillError, match="not on loopback"):
        refuse_target(smoke, RunOptions(out=out, target_url="http://10.1.2.3:8000",
                                        world=WorldSpec(41000)))
    with pytest.raises(DrillError, match="--world-ports"):   # it cannot set channels itself
        refuse_target(smoke, RunOptions(out=out, target_url="http://127.0.0.1:8000",
                                        target="drill.targets.skeleton:SkeletonAdapter"))
    refuse_target(smoke, RunOptions(out=out, target_url="http://127.0.0.1:8000"))  # it can
    with pytest.raises(DrillError, match="bogus"):
        refuse_target(smoke, RunOptions(out=out, target="kamifaka", world=WorldSpec(41000),
                                        target_url="http://127.0.0.1:8000",
                                        target_options=(("bogus", "1"),)))
    with pytest.raises(DrillError, match="unknown target 'nosuch'"):
        refuse_target(smoke, RunOptions(out=out, target="nosuch", world=WorldSpec(41000),
                                        target_url="http://127.0.0.1:8000"))
    crash = load_scenario("worker-crash")
    with pytest.raises(DrillError, match="shop's processes"):
        refuse_target(crash, RunOptions(out=out, target_url="http://127.0.0.1:8000",
                                        world=WorldSpec(41000)))
    assert not out.exists()


def test_cli_world_print_and_zoo_refusal() -> None:
    run = [sys.executable, str(ROOT / "harness.py")]
    r = subprocess.run([*run, "world", "--print", "--world-ports", "42000", "--lang", "zh"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert r.returncode == 0 and "http://127.0.0.1:42000" in r.stdout and "商户号" in r.stdout
    table = [line for line in r.stdout.splitlines() if line.startswith("| `")]
    rows = {line.split("|")[1].strip(" `"): line for line in table}   # the link table
    assert list(rows) == [link.name for link in fixed_links(WorldSpec(42000))]
    assert "127.0.0.1:42000" in rows["gateway_query"]            # forwards to the gateway
    assert "填入地址" in r.stdout and "代理转发到" in r.stdout
    r = subprocess.run([*run, "zoo", "--target", "reference", "--target-url",
                        "http://127.0.0.1:1", "--out", "/nonexistent-never-made"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert r.returncode == 2 and "another shop" in r.stderr


class _Recorder(BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's name
        type(self).paths.append(self.path)
        body = json.dumps({"items": [], "next_offset": None}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.paths = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_collect_never_asks_for_the_export_of_a_blind_run(recorder: str, tmp_path: Path) -> None:
    targets = CollectTargets(service_url=recorder, admin_token="t", gateway_url=recorder,
                             sink_url=recorder, export=False, metrics=False)
    collect(tmp_path / "blind", targets)
    assert _Recorder.paths and not any("/admin/" in p or "/metrics" in p for p in _Recorder.paths)
    assert not (tmp_path / "blind" / "export.json").exists()
    collect(tmp_path / "seen", CollectTargets(service_url=recorder, admin_token="t",
                                              gateway_url=recorder, sink_url=recorder))
    assert "/admin/export" in _Recorder.paths
