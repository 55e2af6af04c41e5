"""A `toxiproxy-server` on PATH is chosen and started through the READY shim (no drill).

The fast tier of test_toxiproxy_choice.py's PATH case: the same choice and the
same process the stack starts (`toxiproxy_process`), answering the Toxiproxy
API as a real server; the full drill over it runs with -m slow.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import httpx
import pytest

from drill.stack.toxiproxy_choice import choose_toxiproxy, toxiproxy_process
from drill.stack.toxiproxy_client import ToxiproxyClient

ROOT = Path(__file__).resolve().parents[3]


def test_a_toxiproxy_server_on_path_is_chosen_and_serves_through_the_shim(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    binary = bin_dir / "toxiproxy-server"
    binary.write_text(f"#!/bin/sh\ncd {ROOT}\nexec {sys.executable} -m fakes.toxiproxy \"$@\"\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("TOXIPROXY_URL", raising=False)
    choice = choose_toxiproxy(None)
    assert (choice.kind, choice.binary, choice.url) == ("real", str(binary), None)
    proc = toxiproxy_process(choice, tmp_path)
    assert proc is not None
    with proc:
        assert ToxiproxyClient(proc.url, choice.kind).version() == "2.12.0"   # what meta shows
        made = httpx.post(proc.url + "/proxies", json={"name": "x", "listen": "127.0.0.1:0",
                                                       "upstream": "127.0.0.1:9"}, timeout=5)
        assert made.status_code == 201, made.text
        assert list(httpx.get(proc.url + "/proxies", timeout=5).json()) == ["x"]
    assert "Traceback" not in (tmp_path / "toxiproxy.log").read_text()

