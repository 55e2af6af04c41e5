"""A Toxiproxy we did not embed: one given by URL, and a `toxiproxy-server` found on PATH.

No real Toxiproxy binary can be installed here, so a separately started
server speaking the same API (ours, run as its own process) stands in for it:
the harness must treat it exactly as a real one — links made through the API,
version reported, links removed at the end.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from runtime import ManagedProcess
from tests.drill.test_cli import ENV, ROOT


def _run_smoke(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> Path:
    r = subprocess.run([sys.executable, "harness.py", "run", "smoke", "--out", str(tmp_path),
                        *extra], cwd=ROOT, env=env or ENV, capture_output=True, text=True,
                       timeout=150, check=False)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    return Path(r.stdout.strip().splitlines()[-1])


def test_a_toxiproxy_given_by_url_is_used_and_left_clean(tmp_path: Path) -> None:
    server = ManagedProcess("given-toxiproxy", [sys.executable, "-m", "fakes.toxiproxy",
                                                "--port", "0"], cwd=ROOT)
    with server:
        run_dir = _run_smoke(tmp_path, "--toxiproxy", server.url)
        meta = json.loads((run_dir / "meta.json").read_text())
        assert meta["toxiproxy"]["kind"] == "real"
        assert meta["toxiproxy"]["url"].rstrip("/") == server.url
        assert meta["toxiproxy"]["version"] == "2.12.0"
        assert httpx.get(server.url + "/proxies").json() == {}  # our links are gone
        faults = [json.loads(x) for x in (run_dir / "faults.jsonl").read_text().splitlines()]
        assert {f["action"] for f in faults} == {"inject", "heal"} and all(f["ok"] for f in faults)


@pytest.mark.slow  # a full smoke drill; fast guards: test_toxiproxy_on_path.py (choice + process),
# test_a_toxiproxy_given_by_url_is_used_and_left_clean (a real-kind server through the stack)
def test_a_toxiproxy_server_on_path_is_started_by_the_stack(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    binary = bin_dir / "toxiproxy-server"
    binary.write_text(f"#!/bin/sh\ncd {ROOT}\nexec {sys.executable} -m fakes.toxiproxy \"$@\"\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    env = {**ENV, "PATH": f"{bin_dir}{os.pathsep}{ENV.get('PATH', '')}"}
    env.pop("TOXIPROXY_URL", None)
    run_dir = _run_smoke(tmp_path / "out", env=env)
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["toxiproxy"]["kind"] == "real"
    assert "toxiproxy" in meta["pids"]
    log = (run_dir / "logs" / "toxiproxy.log").read_text()
    assert "Traceback" not in log
