"""Judge a run folder once: spec + sources -> verdicts -> one `Analysis`, the verdict of the run.

Used at the end of a run and by `harness.py check RUN_DIR` (offline, no
stack). The sources are loaded once; the console line, summary.json, JUnit,
the report and zoo/suite/capacity all read the same `Analysis`, so they agree.
The run is *inconclusive* (exit 3) when a check could not judge, the run was
interrupted, or the harness could not carry the drill out; `inconclusive`
lists the reasons (later work adds "fault not applied", "harness saturated").
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.checks import CheckSpec, Verdict, run_checks
from drill.checks.sources import Sources, load_sources
from drill.errors import CheckError
from drill.exit_codes import ExitCode
from drill.report.charts import render_charts
from drill.report.summary import build_summary

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
_WORDS = {PASS: "PASS", FAIL: "FAIL", INCONCLUSIVE: "INCONCLUSIVE"}
_CODES = {PASS: ExitCode.PASSED, FAIL: ExitCode.FAILED, INCONCLUSIVE: ExitCode.INCONCLUSIVE}


@dataclass(frozen=True)
class RunState:
    """How the run went, as the conductor saw it (read from meta.json when re-judging)."""

    interrupted: bool = False
    interrupted_phase: str | None = None
    harness_errors: tuple[str, ...] = ()

    def reasons(self) -> list[str]:
        out = [f"harness: {e}" for e in self.harness_errors]
        if self.interrupted:
            out.append(f"interrupted during {self.interrupted_phase or 'a phase'}; "
                       "the results are partial")
        return out


@dataclass(frozen=True)
class Analysis:
    scenario: str
    verdicts: tuple[Verdict, ...]
    overall: str                                  # pass | fail | inconclusive
    inconclusive: tuple[str, ...]                 # why it is inconclusive (empty otherwise)
    summary: dict[str, Any] = field(hash=False, compare=False)
    charts: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def exit_code(self) -> ExitCode:
        return _CODES[self.overall]

    @property
    def failed(self) -> list[str]:
        return [v.id for v in self.verdicts if v.ok is False]

    def line(self) -> str:
        """The one console line: never PASS unless every check passed."""
        passed = sum(1 for v in self.verdicts if v.ok is True)
        unknown = sum(1 for v in self.verdicts if v.ok is None)
        failed = self.failed
        text = (f"{_WORDS[self.overall]} {self.scenario}: {passed} passed, {len(failed)} failed"
                f"{' (' + ', '.join(failed) + ')' if failed else ''}, {unknown} unknown")
        if self.inconclusive:
            text += " — inconclusive: " + "; ".join(r.splitlines()[0] for r in self.inconclusive)
        return text


def decide(verdicts: list[Verdict], state: RunState) -> tuple[str, list[str]]:
    """(overall, inconclusive reasons). An interrupted or broken run never passes nor fails:
    its partial records cannot prove the shop broke."""
    reasons = state.reasons()
    if not reasons and any(v.ok is False for v in verdicts):
        return FAIL, []
    reasons += [f"check {v.id} unknown: {v.detail}" for v in verdicts if v.ok is None]
    if not verdicts:
        reasons.append("no check was run")
    return (INCONCLUSIVE, reasons) if reasons else (PASS, [])


def read_spec(run_dir: Path) -> CheckSpec:
    path = run_dir / "spec.json"
    if not path.exists():
        raise CheckError(f"{run_dir} has no spec.json; is it a run folder (reports/<run-id>)?")
    try:
        return CheckSpec.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError) as exc:
        raise CheckError(f"{path} is invalid: {exc}") from None


def _state_from_meta(src: Sources) -> RunState:
    meta = src.meta
    return RunState(bool(meta.get("interrupted")), meta.get("interrupted_phase"),
                    tuple(str(e) for e in meta.get("harness_errors") or ()))


def _verdicts(src: Sources, spec: CheckSpec) -> list[Verdict]:
    try:
        return run_checks(src, spec)
    except Exception as exc:
        return [Verdict("oracle", None, f"the checks crashed: {exc!r}",
                        [{"traceback": traceback.format_exc(limit=6)}])]


def analyze(run_dir: Path, state: RunState | None = None) -> Analysis:
    """Judge `run_dir`; `state` None means re-judging offline (read from meta.json)."""
    spec = read_spec(run_dir)
    src = load_sources(run_dir)
    state = state or _state_from_meta(src)
    verdicts = _verdicts(src, spec)
    overall, reasons = decide(verdicts, state)
    charts, chart_errors = render_charts(src)
    summary = build_summary(run_dir, verdicts, spec, src, overall=overall, reasons=reasons,
                            interrupted=state.interrupted)
    summary["errors"] = [*summary.get("errors", []), *chart_errors]
    name = str(src.meta.get("scenario") or run_dir.name)
    return Analysis(name, tuple(verdicts), overall, tuple(reasons), summary, charts)
