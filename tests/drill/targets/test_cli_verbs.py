"""`harness.py target list | new | check`: the thin shell over drill.targets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAKA_DRILL_NO_BOOTSTRAP": "1"}
    return subprocess.run([sys.executable, str(ROOT / "harness.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_list_names_the_shipped_adapters_and_the_users_own(tmp_path: Path) -> None:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "myshop.py").write_text("# mine\n", encoding="utf-8")
    out = harness("target", "list", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert {"reference", "kamifaka", "myshop"} <= set(names)


def test_new_writes_a_skeleton_once(tmp_path: Path) -> None:
    first = harness("target", "new", "myshop", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    text = (tmp_path / "targets" / "myshop.py").read_text(encoding="utf-8")
    assert "TODO" in text and "class" in text
    again = harness("target", "new", "myshop", cwd=tmp_path)
    assert again.returncode != 0 and "already exists" in again.stderr


def test_check_needs_both_urls_and_refuses_off_loopback(tmp_path: Path) -> None:
    missing = harness("target", "check", "reference", "--url", "http://127.0.0.1:9", cwd=tmp_path)
    assert missing.returncode == 2 and "--gateway-url" in missing.stderr
    remote = harness("target", "check", "reference", "--url", "http://10.0.0.1:80",
                     "--gateway-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert remote.returncode == 2 and "10.0.0.1" in remote.stderr
