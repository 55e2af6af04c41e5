"""Judge a run folder once: spec + sources -> verdicts -> one `Analysis`, the verdict of the run.

Used at the end of a run and by `harness.py check RUN_DIR` (offline, no
stack). The sources are loaded once; the console line, summary.json, JUnit,
the report and zoo/suite/capacity all read the same `Analysis`, so they agree.
The run is *inconclusive* (exit 3) when a check could not judge, the run was
interrupted, the harness could not carry the drill out, or the harness itself
was saturated (harness.json); `inconclusive` lists the reasons.

Two findings come from the conductor, not a checker: `shop-health` fails when
a shop process exited and no fault planned it (meta.json `health`) — that
fails the run whatever else happened, since the shop died; a fake or the
proxy dying unplanned makes the run inconclusive (the harness broke). A
saturated harness (or box) turns failures of speed checks (latency,
thresholds, completion, the notify reply deadline) into inconclusive; every
other finding (a lost order, a duplicate, an oversell, a missing failover or
alert) stays a failure: no busy load generator makes a shop hand out one key
twice.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.checks import CheckSpec, Verdict, run_checks
from drill.checks.sources import Sources, load_sources
from drill.errors import CheckError
from drill.exit_codes import ExitCode
from drill.i18n import Lang
from drill.report.charts import render_charts
from drill.report.line import verdict_line
from drill.report.summary import build_summary
from drill.saturation import read_harness, saturation_reasons

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
_CODES = {PASS: ExitCode.PASSED, FAIL: ExitCode.FAILED, INCONCLUSIVE: ExitCode.INCONCLUSIVE}
SHOP_HEALTH = "shop-health"
# Speed checks a starved harness or box can fail on its own: wall-clock latency, the
# thresholds (rates, error share, dropped arrivals), completion, the notify reply deadline,
# and `messages`' late buyers never told (a full box answers the gateway's notify seconds
# late, and the shop's notice clock starts when it learns of the payment). Rule checks with
# scenario-time windows (failover, alerts, retries, notices) stay findings: the zoo's
# defects there are caught on a busy box too.
LOAD_SENSITIVE = frozenset({"latency", "thresholds", "completion", "gateway-protocol",
                            "messages", "mail-recipient"})
# ... unless the verdict counts `wrong_answers` (gateway-protocol: a forgery accepted, a
# genuine notify refused outright; messages: a second notice, a notice to an unpaid order or
# before the limit, an alert never retried), which no saturation explains


@dataclass(frozen=True)
class RunState:
    """How the run went, as the conductor saw it (read from meta.json when re-judging)."""

    interrupted: bool = False
    interrupted_phase: str | None = None
    harness_errors: tuple[str, ...] = ()
    health_watched: bool = False                  # the health watch ran over the stack
    exits: tuple[dict[str, Any], ...] = ()        # UnplannedExit.to_dict() of each exit

    def reasons(self) -> list[str]:
        out = [f"harness: {e}" for e in self.harness_errors]
        out += [f"harness: {e.get('component')} exited with code {e.get('exit_code')} and no "
                "fault planned it" for e in self.exits if e.get("role") == "harness"]
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

    def line(self, lang: Lang = "en") -> str:
        """The one console line: never PASS unless every check passed."""
        return verdict_line(self.scenario, self.overall, self.verdicts, self.inconclusive, lang)


def decide(verdicts: list[Verdict], state: RunState,
           saturated: list[str] | tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """(overall, inconclusive reasons). An interrupted or broken run never passes nor fails:
    its partial records cannot prove the shop broke — unless the shop died unplanned.
    A saturated harness excuses load-sensitive failures only (see the module docstring);
    a run that passed every check under a saturated harness still passes: completion
    proves the planned buyers came, and the shop kept every rule while starved."""
    failed = [v for v in verdicts if v.ok is False]
    if any(v.id == SHOP_HEALTH for v in failed):
        return FAIL, []
    reasons = state.reasons()
    if not reasons and any(v.id not in LOAD_SENSITIVE or not saturated
                           or v.counts.get("wrong_answers") for v in failed):
        return FAIL, []
    if failed:                  # excused: the harness or the box, not the shop, was full
        reasons += [*saturated, "failed while the harness was saturated: "
                    + ", ".join(v.id for v in failed)]
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
    raw = meta.get("health")
    health: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return RunState(bool(meta.get("interrupted")), meta.get("interrupted_phase"),
                    tuple(str(e) for e in meta.get("harness_errors") or ()),
                    bool(health.get("watched")),
                    tuple(e for e in health.get("unplanned_exits") or () if isinstance(e, dict)))


def health_verdict(state: RunState) -> Verdict | None:
    """`shop-health`: did every shop process stay up unless a fault took it down?"""
    shop = [e for e in state.exits if e.get("role", "shop") == "shop"]
    if not state.health_watched and not shop:
        return None                               # an older run folder: nothing was watched
    if not shop:
        return Verdict(SHOP_HEALTH, True, "no shop process exited unless a fault planned it")
    names = ", ".join(f"{e.get('component')} (code {e.get('exit_code')})" for e in shop)
    return Verdict(SHOP_HEALTH, False, f"shop process exited with no fault planning it: {names}",
                   [{"rule": e.get("component"), "reason": f"exit code {e.get('exit_code')}",
                     **e} for e in shop], {"unplanned_exits": len(shop)})


def _saturation(run_dir: Path, src: Sources) -> tuple[dict[str, Any] | None, list[str]]:
    load = read_harness(run_dir)
    if load is None:
        return None, []
    dropped = (src.load or {}).get("dropped")
    reasons = saturation_reasons(load, dropped_arrivals=int(dropped)
                                 if isinstance(dropped, int | float) else 0)
    return {**load.to_dict(), "saturated": reasons}, reasons


def _verdicts(src: Sources, spec: CheckSpec) -> list[Verdict]:
    try:
        return run_checks(src, spec)
    except Exception as exc:
        return [Verdict("oracle", None, f"the checks crashed: {exc!r}",
                        [{"traceback": traceback.format_exc(limit=6)}])]


@contextmanager
def _no_cycle_collector() -> Iterator[None]:
    """The records and the checkers' views are millions of dicts with no cycles: left on,
    the cycle collector walks them all again and again while they load (40 % of the CPU
    at 50,000 orders, bench/oracle.py). Off while judging, back to how it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def analyze(run_dir: Path, state: RunState | None = None) -> Analysis:
    """Judge `run_dir`; `state` None means re-judging offline (read from meta.json)."""
    with _no_cycle_collector():
        return _analyze(run_dir, state)


def _analyze(run_dir: Path, state: RunState | None) -> Analysis:
    spec = read_spec(run_dir)
    src = load_sources(run_dir)
    state = state or _state_from_meta(src)
    verdicts = _verdicts(src, spec)
    if (health := health_verdict(state)) is not None:
        verdicts.append(health)
    harness, saturated = _saturation(run_dir, src)
    overall, reasons = decide(verdicts, state, saturated)
    charts, chart_errors = render_charts(src)
    summary = build_summary(run_dir, verdicts, spec, src, overall=overall, reasons=reasons,
                            interrupted=state.interrupted)
    summary["errors"] = [*summary.get("errors", []), *chart_errors]
    summary["harness"] = harness
    summary["unplanned_exits"] = list(state.exits)
    name = str(src.meta.get("scenario") or run_dir.name)
    return Analysis(name, tuple(verdicts), overall, tuple(reasons), summary, charts)
