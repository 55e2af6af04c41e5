"""Reports for one run: summary.json (machines), junit.xml (CI), report.html (humans).

`write_reports(run_dir, verdicts, spec)` reads only the run folder and tolerates
missing files, so an interrupted run still gets a partial report.
"""

from __future__ import annotations

import json
from pathlib import Path

from drill.checks.sources import load_sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict
from drill.report.junit import combine, junit_xml, write_junit
from drill.report.summary import build_summary

__all__ = ["combine", "junit_xml", "write_junit", "write_reports"]


def write_reports(run_dir: str | Path, verdicts: list[Verdict], spec: CheckSpec) -> Path:
    """Write summary.json, junit.xml and report.html; return the report.html path."""
    run = Path(run_dir)
    run.mkdir(parents=True, exist_ok=True)
    src = load_sources(run)
    summary = build_summary(run, verdicts, spec, src)
    (run / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False,
                                                 default=str), encoding="utf-8")
    write_junit(run / "junit.xml", summary)
    charts: dict[str, str] = {}
    try:
        from drill.report import charts as ch
        from drill.report.timeline import build_timeline

        tl = build_timeline(src)
        charts = {"throughput": ch.throughput_latency(tl), "states": ch.states(tl),
                  "suppliers": ch.supplier_outcomes(tl), "alerts": ch.alerts(tl)}
    except Exception as exc:
        summary.setdefault("errors", []).append(f"charts failed: {exc!r}")
    from drill.report.html import render_html

    out = run / "report.html"
    out.write_text(render_html(summary, charts), encoding="utf-8")
    return out
