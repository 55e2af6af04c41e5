"""Capacity planning: how many orders/s before the SLO breaks.

Runs one scenario again and again at a stepped-up open-model arrival rate
(`--from`, `--step`, `--to`, each step held `--hold` wall seconds), judges
every step with the scenario's own checks and thresholds, and stops at the
first step that does not pass: the last rate that passed is the capacity
(drill/cli.py `cmd_capacity` prints it). Bounded:
at most `MAX_STEPS` drills, each bounded like any other run.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from drill.errors import DrillError
from drill.options import RunOptions
from drill.scenario import Scenario

MAX_STEPS = 12


def plan_rates(start: float, stop: float, step: float) -> list[float]:
    """The arrival rates to try, in order; a clear error for a plan that makes no sense."""
    if start <= 0 or step <= 0 or stop < start:
        raise DrillError(f"capacity plan --from {start:g} --to {stop:g} --step {step:g} is empty",
                         hint="use 0 < --from <= --to and --step > 0 (orders per second)")
    rates = [start + i * step for i in range(math.floor((stop - start) / step + 1e-9) + 1)]
    if len(rates) > MAX_STEPS:
        raise DrillError(f"capacity plan has {len(rates)} steps (at most {MAX_STEPS})",
                         hint="raise --step or narrow --from/--to")
    return rates


def at_rate(scenario: Scenario, rate: float, hold_s: float) -> Scenario:
    """`scenario` with an open-model load at `rate` for `hold_s`, and stock enough for it.

    The faults keep their place in the load: their times scale with the hold, so a
    fault at 5 s of a 15 s load hits a 4 s step at 1.33 s and heals with time to spare."""
    scale = hold_s / scenario.load.duration
    faults = tuple(f.model_copy(update={
        "at": f.at * scale, "for_": None if f.for_ is None else f.for_ * scale,
        "until": None if f.until is None else f.until * scale}) for f in scenario.faults)
    orders = math.ceil(rate * hold_s)
    load = scenario.load.model_copy(update={
        "shape": "arrival_rate", "rate": rate, "duration": hold_s,
        "users": min(5000, max(scenario.load.users, math.ceil(2 * rate))),
        "max_orders": orders + 10,
    })
    catalogue = tuple(p.model_copy(update={"stock": max(p.stock, math.ceil(orders * 1.2) + 10)})
                      if p.kind == "local" else p for p in scenario.catalogue)
    return scenario.model_copy(update={"load": load, "catalogue": catalogue, "faults": faults})


@dataclass
class Step:
    rate: float
    verdict: str                      # the step's Analysis.overall
    failed: list[str]
    orders_per_s: float | None
    delivery_p99_s: float | None
    dropped_arrivals: int | None
    run_dir: str
    exit_code: int = 0


def run_step(scenario: Scenario, rate: float, hold_s: float, opts: RunOptions) -> Step:
    """One drill at `rate`, with every run option of the command line (defects included)."""
    from drill.targets.conduct import make_run  # the reference Run, or a --target run

    result = make_run(at_rate(scenario, rate, hold_s), replace(opts, fancy=False)).execute()
    a = result.analysis
    metrics = a.summary.get("metrics", {})
    return Step(rate, a.overall, a.failed, metrics.get("orders_per_s"),
                metrics.get("delivery_p99_s"), metrics.get("dropped_arrivals"),
                str(result.run_dir), result.exit_code)


def write_report(out: Path, scenario: Scenario, hold_s: float, steps: list[Step]) -> Path:
    passed = [s.rate for s in steps if s.verdict == "pass"]
    broke = next((s.rate for s in steps if s.verdict != "pass"), None)
    path = out / f"capacity-{scenario.name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"scenario": scenario.name, "hold_s": hold_s,
                                "capacity_orders_per_s": passed[-1] if passed else None,
                                "slo_broke_at": broke, "steps": [asdict(s) for s in steps]},
                               indent=1), encoding="utf-8")
    return path
