"""Every malformed scenario in the corpus is refused before anything starts.

Each file in `malformed/` breaks one rule and names, in its `# expect:` header,
what the refusal must point at (a field path such as `faults[0].params.latency`,
or `BOM` / `TOML` / `UTF-8` for files that cannot be read). The pure tier loads
every file; the process tier runs a sample through `harness.py run` and proves
exit 2, no run folder and no child process left.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from drill.errors import ScenarioError
from drill.scenario import load_scenario

CORPUS = Path(__file__).with_name("malformed")
ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(CORPUS.glob("*.toml"))


def _expected(path: Path) -> str:
    head = path.read_bytes()[:400].decode("utf-8", "replace")
    found = re.search(r"# expect: (\S+)", head)
    assert found, f"{path.name}: no '# expect:' header"
    return found.group(1)


def test_the_corpus_is_large_enough() -> None:
    assert len(FILES) >= 100


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_refused_naming_the_problem(path: Path) -> None:
    with pytest.raises(ScenarioError) as refused:
        load_scenario(str(path))
    message = str(refused.value)
    assert path.name in message, message
    assert _expected(path) in message, message


SAMPLE = ["duration-inf", "fault-db-without-postgres", "gateway-unknown-knob", "bom",
          "fault-until-after-load", "users-string"]


@pytest.mark.parametrize("name", SAMPLE)
def test_run_exits_2_and_starts_nothing(name: str, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    env = {**os.environ, "FAKA_DRILL_NO_BOOTSTRAP": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "harness.py"), "run", str(CORPUS / f"{name}.toml"),
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    children: set[int] = set()
    try:
        while proc.poll() is None:
            try:
                children |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
            except psutil.NoSuchProcess:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, err.decode()
    assert name in err.decode(), err.decode()
    assert not children, f"processes were started for a refused scenario: {children}"
    assert not out.exists() or not any(out.iterdir()), list(out.iterdir())
