"""Ctrl-C while the checks run: the verdict is inconclusive (exit 3), never a PASS."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from drill import run as run_module
from drill.analyze import Analysis, RunState, analyze
from drill.options import RunOptions
from drill.run import Run
from drill.scenario import load_scenario


def test_sigint_during_the_check_phase_makes_the_run_inconclusive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = Run(load_scenario("smoke"), RunOptions(out=tmp_path, fancy=False))
    run._prepare_folder()
    run._collect_history()
    run.set_phase("check")
    calls: list[RunState | None] = []

    def analyze_interrupted(run_dir: Path, state: RunState | None = None) -> Analysis:
        calls.append(state)
        if len(calls) == 1:
            run._on_signal(signal.SIGINT, None)     # Ctrl-C arrives while judging
        return analyze(run_dir, state)

    monkeypatch.setattr(run_module, "analyze", analyze_interrupted)
    analysis = run._judge()
    run.progress.close()
    assert [s.interrupted for s in calls if s] == [False, True]
    assert analysis.exit_code == 3 and analysis.overall == "inconclusive"
    assert any("interrupted during check" in r for r in analysis.inconclusive)
    summary = json.loads((run.run_dir / "summary.json").read_text())
    assert summary["verdict"] == "inconclusive" and summary["interrupted"] is True
