"""junit.xml: one testcase per check, so CI shows each invariant; `combine` merges runs for `suite`.

A failed check is a <failure>, an unknown one an <error> (the oracle could not
judge — CI must not read it as green); an inconclusive run (interrupted, the
harness could not run it) adds an erroring testcase `run` naming the reasons.
Testcase names are the check ids (machines); the messages a person reads in CI
(the check's title, the reasons) are in the run's language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from drill.checks.titles import title_of
from drill.checks.verdict import MAX_EXAMPLES
from drill.i18n import LANGS, Lang
from drill.report.details import localised_checks
from drill.report.reasons import say_reason


def _checks(summary: dict[str, Any], lang: Lang) -> list[dict[str, Any]]:
    checks = localised_checks(list(summary.get("checks") or []), lang)
    reasons = [r for r in summary.get("inconclusive") or [] if not r.startswith("check ")]
    if reasons:
        checks.append({"id": "run", "ok": None,
                       "detail": "; ".join(say_reason(r, lang) for r in reasons)})
    return checks


def _lang_of(summary: dict[str, Any], lang: Lang | None) -> Lang:
    """The language asked for, else the one the run was reported in, else English."""
    if lang is not None:
        return lang
    recorded = summary.get("lang")
    return next((x for x in LANGS if x == recorded), "en")


def _message(check: dict[str, Any], lang: Lang) -> str:
    return f"{title_of(str(check.get('id')), lang)[0]}: {check.get('detail')}"[:500]


def _suite(summary: dict[str, Any], lang: Lang) -> ET.Element:
    checks = _checks(summary, lang)
    suite = ET.Element("testsuite", {
        "name": str(summary.get("scenario") or summary.get("run_id") or "run"),
        "tests": str(len(checks)),
        "failures": str(sum(1 for c in checks if c.get("ok") is False)),
        "errors": str(sum(1 for c in checks if c.get("ok") is None)),
        "time": f"{float(summary.get('wall_s') or 0):.3f}",
    })
    props = ET.SubElement(suite, "properties")
    for key in ("run_id", "seed", "verdict", "interrupted"):
        ET.SubElement(props, "property", {"name": key, "value": str(summary.get(key))})
    for c in checks:
        case = ET.SubElement(suite, "testcase", {"classname": str(suite.get("name")),
                                                 "name": str(c.get("id"))})
        if c.get("ok") is False:
            node = ET.SubElement(case, "failure", {"message": _message(c, lang)})
            examples = c.get("examples") or []
            node.text = str(c.get("detail")) + "\n" + "\n".join(
                f"{e.get('order_no', e.get('rule', '?'))}: {e.get('reason', '')}"
                for e in examples[:MAX_EXAMPLES])
        elif c.get("ok") is None:
            ET.SubElement(case, "error", {"message": _message(c, lang)}).text = str(
                c.get("detail"))
        else:
            ET.SubElement(case, "system-out").text = str(c.get("detail"))
    return suite


def junit_xml(summaries: list[dict[str, Any]], lang: Lang | None = None) -> str:
    """One testsuite a run; messages in `lang`, else each run's own `lang`."""
    root = ET.Element("testsuites", {"name": "faka-drill"})
    for s in summaries:
        root.append(_suite(s, _lang_of(s, lang)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def write_junit(path: Path, summary: dict[str, Any], lang: Lang | None = None) -> Path:
    path.write_text(junit_xml([summary], lang), encoding="utf-8")
    return path


def combine(run_dirs: list[str | Path], out: str | Path) -> Path:
    """One JUnit file for several runs (the `suite` command); runs without summary.json are
    reported as a suite with one erroring testcase."""
    summaries = []
    for rd in run_dirs:
        p = Path(rd) / "summary.json"
        try:
            summaries.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            summaries.append({"run_id": Path(rd).name, "checks": [
                {"id": "report", "ok": None, "detail": f"no readable summary.json: {exc}"}]})
    path = Path(out)
    path.write_text(junit_xml(summaries), encoding="utf-8")
    return path
