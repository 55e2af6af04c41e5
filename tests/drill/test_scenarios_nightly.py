"""Every shipped scenario, end to end against the reference service (nightly)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drill.scenario import SCENARIO_DIR, load_scenario
from tests.postgres import PG_URL

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "FAKA_DRILL_NO_BOOTSTRAP": "1", "CI": "true"}


@pytest.mark.slow
@pytest.mark.nightly
@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
def test_scenario_passes(name: str, tmp_path: Path) -> None:
    db = ["--db", PG_URL] if load_scenario(name).requires_db else []
    r = subprocess.run([sys.executable, "harness.py", "run", name, "--out", str(tmp_path), *db],
                       cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=240,
                       check=False)
    run_dir = Path(r.stdout.strip().splitlines()[-1])
    summary = json.loads((run_dir / "summary.json").read_text())
    failed = [c for c in summary["checks"] if c["ok"] is False]
    assert r.returncode == 0, json.dumps(failed, indent=1)[:4000]
