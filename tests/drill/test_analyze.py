"""One verdict for a run: the console line, summary.json, JUnit and the exit code agree.

Exit codes: 0 every check passed, 1 a check failed, 3 inconclusive (a check
unknown, the run interrupted or unable to run). Unknown never prints PASS.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from drill.analyze import RunState, analyze, decide
from drill.checks import CheckSpec, Verdict
from drill.exit_codes import ExitCode, merge_exit_codes
from drill.report import write_reports
from tests.drill.report.fixture import write_run
from tests.drill.test_cli import harness

OK, BAD, UNKNOWN = Verdict("no-loss", True, ""), Verdict("no-duplicate", False, ""), \
    Verdict("alerts", None, "sink ledger missing")


def test_decide_ranks_fail_over_unknown_over_pass() -> None:
    assert decide([OK], RunState()) == ("pass", [])
    assert decide([OK, BAD, UNKNOWN], RunState()) == ("fail", [])
    overall, reasons = decide([OK, UNKNOWN], RunState())
    assert overall == "inconclusive" and reasons == ["check alerts unknown: sink ledger missing"]
    assert decide([], RunState())[0] == "inconclusive", "no check run is not a pass"


def test_an_interrupted_or_broken_run_is_inconclusive_even_with_a_failed_check() -> None:
    overall, reasons = decide([BAD], RunState(interrupted=True, interrupted_phase="load"))
    assert overall == "inconclusive" and "interrupted during load" in reasons[0]
    overall, reasons = decide([OK], RunState(harness_errors=("gateway did not start",)))
    assert (overall, reasons) == ("inconclusive", ["harness: gateway did not start"])


def _judged(run: Path, spec: CheckSpec) -> tuple[dict, ET.Element]:
    (run / "spec.json").write_text(spec.to_json())
    write_reports(run, analyze(run))
    return json.loads((run / "summary.json").read_text()), ET.parse(run / "junit.xml").getroot()


def test_unknown_check_is_inconclusive_everywhere_and_a_junit_error(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run")
    (run / "ledgers" / "sink-messages.jsonl").unlink()       # alerts cannot be judged
    summary, junit = _judged(run, CheckSpec(checks=("no-loss", "alerts")))
    a = analyze(run)
    assert a.overall == "inconclusive" and a.exit_code == ExitCode.INCONCLUSIVE
    assert a.line().startswith("INCONCLUSIVE smoke: 1 passed, 0 failed, 1 unknown")
    assert summary["verdict"] == "inconclusive" and summary["inconclusive"]
    errors = junit.findall(".//testcase[@name='alerts']/error")
    assert errors and not junit.findall(".//testcase[@name='alerts']/system-out")


def test_check_verb_exits_3_for_an_interrupted_run_and_0_for_a_clean_one(tmp_path: Path) -> None:
    spec = CheckSpec(checks=("no-loss",)).to_json()
    cut, ok = write_run(tmp_path / "cut", partial=True), write_run(tmp_path / "ok")
    for run in (cut, ok):
        (run / "spec.json").write_text(spec)
    r = harness("check", str(cut))
    assert r.returncode == 3 and r.stdout.startswith("INCONCLUSIVE"), r.stdout + r.stderr
    r = harness("check", str(ok))
    assert r.returncode == 0 and r.stdout.startswith("PASS smoke"), r.stdout + r.stderr


def test_several_runs_merge_to_one_exit_code() -> None:
    assert merge_exit_codes([0, 0]) == ExitCode.PASSED
    assert merge_exit_codes([0, 3]) == ExitCode.INCONCLUSIVE
    assert merge_exit_codes([3, 1, 0]) == ExitCode.FAILED
    assert merge_exit_codes([]) == ExitCode.USAGE


def test_the_cycle_collector_is_off_while_judging_and_restored_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """analyze turns the collector off for speed (bench/oracle.py) and leaves it as it was."""
    from drill import analyze as analyze_module

    run = write_run(tmp_path / "run")
    (run / "spec.json").write_text(CheckSpec(checks=("no-loss",)).to_json())
    seen: list[bool] = []
    real = analyze_module.run_checks

    def spy(src: Any, spec: CheckSpec) -> list[Verdict]:
        seen.append(gc.isenabled())
        return real(src, spec)

    monkeypatch.setattr(analyze_module, "run_checks", spy)
    try:
        assert gc.isenabled()
        assert analyze(run).overall == "pass"
        assert seen == [False] and gc.isenabled()
        gc.disable()
        analyze(run)
        assert not gc.isenabled(), "a caller's choice stays as it was"
    finally:
        gc.enable()
