"""Judge a run folder: spec.json -> drill.checks.evaluate -> drill.report.write_reports.

Used at the end of a run and by `harness.py check RUN_DIR` (offline, no stack).
An interrupted run or a harness error adds a failing verdict, so a partial
report never passes. Exit codes: 0 every check passed (unknown is not a
failure), 1 any failed.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

from drill.errors import CheckError
from drill.mapping import check_spec_fields
from drill.scenario import Scenario


def write_spec(scenario: Scenario, run_dir: Path) -> None:
    fields = check_spec_fields(scenario)
    fields["thresholds"] = [{"metric": m, "op": op, "value": v}
                            for m, op, v in fields["thresholds"]]
    (run_dir / "spec.json").write_text(json.dumps(fields, indent=1, sort_keys=True),
                                       encoding="utf-8")


def _meta(run_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def judge(run_dir: Path, *, interrupted: bool | None = None,
          harness_errors: list[str] | None = None, phase: str | None = None) -> tuple[int, str]:
    """Evaluate, write the reports, and return (exit code, one summary line)."""
    from drill.checks import CheckSpec, Verdict, evaluate
    from drill.report import write_reports

    if not (run_dir / "spec.json").exists():
        raise CheckError(f"{run_dir} has no spec.json; is it a run folder (reports/<run-id>)?")
    meta = _meta(run_dir)
    if interrupted is None:
        interrupted = bool(meta.get("interrupted"))
        phase = meta.get("interrupted_phase")
    try:
        spec = CheckSpec.from_json((run_dir / "spec.json").read_text(encoding="utf-8"))
    except (ValueError, KeyError) as exc:
        raise CheckError(f"{run_dir}/spec.json is invalid: {exc}") from None
    try:
        verdicts = list(evaluate(run_dir, spec))
    except Exception as exc:
        verdicts = [Verdict("oracle", None, f"the checks crashed: {exc!r}",
                            [{"traceback": traceback.format_exc(limit=6)}])]
    if interrupted:
        verdicts.append(Verdict("interrupted", False,
                                f"the run was interrupted during {phase or 'a phase'}; "
                                "the results are partial"))
    for err in harness_errors or []:
        verdicts.append(Verdict("harness", False, err))
    write_reports(run_dir, verdicts, spec)
    failed = [v.id for v in verdicts if v.ok is False]
    passed = sum(1 for v in verdicts if v.ok is True)
    unknown = sum(1 for v in verdicts if v.ok is None)
    word = "FAIL" if failed else "PASS"
    line = (f"{word} {meta.get('scenario') or run_dir.name}: {passed} passed, {len(failed)} failed"
            f"{' (' + ', '.join(failed) + ')' if failed else ''}, {unknown} unknown")
    return (1 if failed else 0), line

