"""`compare BASE RUN` and `suite TAG --baseline`: regressions exit 1, bad input exits 2.

Run folders here are literal (a summary.json is what a judged run leaves);
`suite` runs its scenario through a stand-in for the drill, so the baseline
logic is proven without minutes of load.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from drill import cli
from drill.options import RunOptions
from drill.report.index_page import record_run
from drill.scenario import Scenario
from tests.drill.report.test_trends import summary
from tests.drill.test_cli import ROOT, harness


def _folder(parent: Path, name: str, body: dict[str, Any]) -> Path:
    run = parent / name
    run.mkdir(parents=True)
    (run / "summary.json").write_text(json.dumps(body), encoding="utf-8")
    return run


def test_compare_prints_each_regression_and_exits_1(tmp_path: Path) -> None:
    base = _folder(tmp_path, "base", summary(0.5, 100.0))
    slower = _folder(tmp_path, "slower", summary(0.9, 60.0))
    r = harness("compare", str(base), str(slower))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "REGRESSION delivery_p99_s: 0.5 -> 0.9 (+80% worse than the baseline)" in r.stdout
    assert "REGRESSION orders_per_s: 100 -> 60" in r.stdout
    assert r.stdout.strip().endswith("3 regression(s)")


def test_compare_within_tolerance_or_better_exits_0(tmp_path: Path) -> None:
    base = _folder(tmp_path, "base", summary(0.5, 100.0))
    a_bit = _folder(tmp_path, "a-bit", summary(0.55, 95.0))
    assert harness("compare", str(base), str(a_bit)).returncode == 0
    assert harness("compare", str(a_bit), str(base)).returncode == 0
    assert harness("compare", str(base), str(a_bit), "--tolerance", "0.05").returncode == 1


@pytest.mark.parametrize("case", ["no-summary", "other-scenario", "bad-tolerance"])
def test_compare_bad_input_exits_2_and_says_why(tmp_path: Path, case: str) -> None:
    base = _folder(tmp_path, "base", summary(0.5, 100.0))
    other = {"no-summary": tmp_path / "empty",
             "other-scenario": _folder(tmp_path, "fs", summary(0.5, 100.0, scenario="flash")),
             "bad-tolerance": base}[case]
    other.mkdir(exist_ok=True)
    extra = ["--tolerance", "-1"] if case == "bad-tolerance" else []
    r = harness("compare", str(base), str(other), *extra)
    assert r.returncode == 2, r.stdout + r.stderr
    assert {"no-summary": "summary.json cannot be read", "other-scenario": "compare runs of one",
            "bad-tolerance": "--tolerance -1 is out of range"}[case] in r.stderr


def _suite(monkeypatch: pytest.MonkeyPatch, out: Path, result: Path,
           *extra: str) -> tuple[int, list[str]]:
    """`suite smoke` (the one smoke-tagged scenario) whose drill 'made' `result`."""
    sys.path.insert(0, str(ROOT))
    import harness as entry

    ran: list[str] = []

    def fake_run(scenario: Scenario, opts: RunOptions) -> tuple[int, Path]:
        ran.append(scenario.name)
        return 0, result

    monkeypatch.setattr(cli, "_run_one", fake_run)
    args = entry.build_parser().parse_args(["suite", "smoke", "--out", str(out), *extra])
    return cli.dispatch(args), ran


def test_suite_baseline_folder_flags_a_regression(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nightly = tmp_path / "nightly"
    for p99, name, defects in ((0.3, "old", []), (0.5, "newest", []),
                               (3.0, "zoo", ["no-failover"])):
        body = {**summary(p99, 100.0), "started_at": 1_800_000_000.0 + p99, "defects": defects}
        record_run(nightly, _folder(nightly, name, body), body)
    today = tmp_path / "today"
    slower = _folder(today, "run", summary(0.9, 100.0))
    code, ran = _suite(monkeypatch, today, slower, "--baseline", str(nightly))
    out = capsys.readouterr().out
    assert ran == ["smoke"] and code == 1, out
    assert f"baseline smoke: {nightly}: newest: 2 regression(s)" in out
    assert "REGRESSION smoke: delivery_p99_s: 0.5 -> 0.9" in out
    same = _folder(today, "same", summary(0.5, 100.0))
    assert _suite(monkeypatch, today, same, "--baseline", str(nightly))[0] == 0


def test_suite_baseline_revision_reads_this_folders_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    from drill.report.trends import append_index, index_record

    base = summary(0.5, 100.0)
    append_index(out, index_record(base, _folder(out, "at-v1", base), "v1.0"))
    worse = {**summary(0.5, 100.0, errors=0.1), "started_at": 1_900_000_000.0}
    append_index(out, index_record(worse, _folder(out, "later", worse), "abc1234"))
    run = _folder(out, "run", summary(0.5, 100.0, errors=0.06))
    code, _ = _suite(monkeypatch, out, run, "--baseline", "v1.0")
    text = capsys.readouterr().out
    assert code == 1 and "REGRESSION smoke: error_rate: 0 -> 0.06" in text, text
    assert _suite(monkeypatch, out, run, "--baseline", "no-such-tag")[0] == 0
    assert "baseline smoke: none found; not compared" in capsys.readouterr().out
