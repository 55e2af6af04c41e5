"""bench/oracle.py at small N: the synthetic run folder, judged by the real analyze, gets
exactly the expected verdicts (clean: every check passes; planted: exactly the checks
guarding the three planted findings fail), and the bench prints its figures."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("oracle_bench", ROOT / "bench" / "oracle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("planted", [False, True])
def test_synthetic_folder_gets_the_expected_verdicts(tmp_path: Path, planted: bool) -> None:
    bench = _bench()
    expected = bench.generate(tmp_path / "run", 400, 3, planted)
    got = bench.judge(tmp_path / "run")["verdicts"]
    assert set(expected) <= set(got)
    want = {cid: expected.get(cid, True) for cid in got}  # messages too: a default check
    assert {cid: got[cid] for cid in want} == want
    assert (False in got.values()) is planted


def test_the_bench_prints_time_memory_and_conditions(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "bench/oracle.py", "-n", "300", "--dir",
                        str(tmp_path / "run")], cwd=ROOT, capture_output=True, text=True,
                       timeout=300, check=True)
    assert "s CPU, peak RSS" in r.stdout and "load average" in r.stdout
    assert "MISMATCH" not in r.stdout, r.stdout
