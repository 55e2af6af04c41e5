"""summary.json, junit.xml and report.html from fixture run folders (complete and partial)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from drill.analyze import analyze
from drill.checks import CheckSpec, Threshold
from drill.report import combine, write_reports
from tests.drill.report.fixture import write_run

SPEC = CheckSpec(expect_alerts=("supplier_health",), failover_within_s=2.0,
                 prices=(("steam-50", "50.00"),),
                 thresholds=(Threshold.parse("delivery_p99 < 2s"),
                             Threshold.parse("error_rate < 50%")))


def _report(run: Path) -> tuple[dict, ET.Element, str]:
    (run / "spec.json").write_text(SPEC.to_json())
    html = write_reports(run, analyze(run))
    summary = json.loads((run / "summary.json").read_text())
    return summary, ET.parse(run / "junit.xml").getroot(), html.read_text()


def test_complete_run_passes_with_metrics_faults_and_charts(tmp_path: Path) -> None:
    summary, junit, html = _report(write_run(tmp_path / "run-ok"))
    assert summary["verdict"] == "pass", [c for c in summary["checks"] if c["ok"] is not True]
    assert summary["scenario"] == "smoke" and summary["seed"] == 7 and summary["run_id"] == "run-ok"
    m = summary["metrics"]
    assert (m["orders_created"], m["orders_paid"], m["orders_delivered"]) == (10, 10, 10)
    assert abs(m["delivery_p50_s"] - 0.37) < 1e-6
    assert summary["faults"][0]["kind"] == "down" and summary["faults"][0]["end"] is not None
    assert summary["toxiproxy"]["kind"] == "embedded"
    cases = junit.findall(".//testcase")
    assert len(cases) == len(summary["checks"]) and not junit.findall(".//failure")
    assert "<svg" in html and "PASS" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "report must be self-contained"


def test_lost_order_fails_in_every_format(tmp_path: Path) -> None:
    summary, junit, html = _report(write_run(tmp_path / "run-bad", lose_one=True))
    assert summary["verdict"] == "fail"
    lost = next(c for c in summary["checks"] if c["id"] == "no-loss")
    assert lost["ok"] is False and lost["examples"][0]["order_no"] == "O009"
    failures = junit.findall(".//testcase[@name='no-loss']/failure")
    assert failures and "O009" in (failures[0].text or "")
    assert "O009" in html and "FAIL" in html


def test_partial_run_still_reports(tmp_path: Path) -> None:
    summary, junit, html = _report(write_run(tmp_path / "run-cut", partial=True))
    assert summary["interrupted"] is True
    assert summary["verdict"] == "inconclusive", "a partial run neither passes nor fails"
    assert any("interrupted" in r for r in summary["inconclusive"])
    assert "gateway ledger" in summary["missing"]
    assert junit.findall(".//error"), "unjudgeable checks are JUnit errors, not passes"
    assert "Interrupted run" in html


def test_combine_runs_into_one_junit(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a")
    b = write_run(tmp_path / "b", lose_one=True)
    for run in (a, b):
        _report(run)
    out = combine([a, b, tmp_path / "missing"], tmp_path / "suite.xml")
    root = ET.parse(out).getroot()
    assert len(root.findall("testsuite")) == 3
    assert root.findall(".//failure") and root.findall(".//error")
