"""The blind oracle on a real drill: the same seeded smoke run judged with its export and
without it (export.json removed, meta.json saying the run was blind) gives the same verdicts.

Judging one run's records twice is the strict form of "export on and off": two separate
runs would differ in timing, this one differs only in the export.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drill.analyze import analyze

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "tests" / "drill" / "targets" / "scenarios" / "target-smoke.toml"


def verdicts(run_dir: Path) -> dict[str, bool | None]:
    return {c["id"]: c["ok"] for c in analyze(run_dir).summary["checks"]}


@pytest.mark.slow
def test_smoke_verdicts_are_the_same_with_and_without_the_export(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "harness.py"), "run", str(SMOKE), "--out",
                        str(tmp_path), "--plain"], capture_output=True, text=True, timeout=300,
                       cwd=ROOT, check=False)
    seen = Path(r.stdout.strip().splitlines()[-1])
    assert (seen / "export.json").exists(), r.stderr[-2000:]
    blind = tmp_path / "blind"
    shutil.copytree(seen, blind)
    (blind / "export.json").unlink()
    meta = json.loads((blind / "meta.json").read_text(encoding="utf-8"))
    (blind / "meta.json").write_text(json.dumps({**meta, "export": False}), encoding="utf-8")
    with_export, without = verdicts(seen), verdicts(blind)
    assert with_export == without
    safety = ("no-loss", "no-duplicate", "no-oversell", "money-goods", "stock-conservation")
    assert all(without[c] is True for c in safety), without   # decided blind, not unknown
