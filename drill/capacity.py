"""Capacity planning: how many orders/s before the SLO breaks.

Runs one scenario again and again at a stepped-up open-model arrival rate
(`--from`, `--step`, `--to`, each step held `--hold` wall seconds), judges
every step with the scenario's own checks and thresholds, and stops at the
first step that fails: the last rate that passed is the capacity. Bounded:
at most `MAX_STEPS` drills, each bounded like any other run.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from drill.errors import DrillError
from drill.scenario import Scenario, load_scenario
from drill.zoo import failed_checks, read_summary

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
    """`scenario` with an open-model load at `rate` for `hold_s`, and stock enough for it."""
    orders = math.ceil(rate * hold_s)
    load = scenario.load.model_copy(update={
        "shape": "arrival_rate", "rate": rate, "duration": hold_s,
        "users": min(5000, max(scenario.load.users, math.ceil(2 * rate))),
        "max_orders": orders + 10,
    })
    catalogue = tuple(p.model_copy(update={"stock": max(p.stock, math.ceil(orders * 1.2) + 10)})
                      if p.kind == "local" else p for p in scenario.catalogue)
    return scenario.model_copy(update={"load": load, "catalogue": catalogue})


@dataclass
class Step:
    rate: float
    verdict: str
    failed: list[str]
    orders_per_s: float | None
    delivery_p99_s: float | None
    dropped_arrivals: int | None
    run_dir: str


def _step(scenario: Scenario, rate: float, args: argparse.Namespace) -> Step:
    from drill.run import Run, RunOptions

    opts = RunOptions(out=Path(args.out), db=args.db, toxiproxy=args.toxiproxy,
                      allow_non_loopback=args.allow_non_loopback, fancy=False)
    result = Run(at_rate(scenario, rate, args.hold), opts).execute()
    summary = read_summary(result.run_dir)
    metrics: dict[str, Any] = summary.get("metrics", {})
    return Step(rate, str(summary.get("verdict")), failed_checks(summary),
                metrics.get("orders_per_s"), metrics.get("delivery_p99_s"),
                metrics.get("dropped_arrivals"), str(result.run_dir))


def cmd_capacity(args: argparse.Namespace) -> int:
    rates = plan_rates(args.rate_from, args.rate_to, args.rate_step)
    scenario = load_scenario(args.scenario, time_scale=args.time_scale, seed=args.seed)
    steps: list[Step] = []
    for n, rate in enumerate(rates, 1):
        print(f"[capacity {n}/{len(rates)}] {scenario.name} at {rate:g} orders/s for "
              f"{args.hold:g} s ...", file=sys.stderr, flush=True)
        steps.append(_step(scenario, rate, args))
        if steps[-1].verdict != "pass":
            break
    print(f"{'offered/s':>10} {'delivered/s':>12} {'p99 s':>8} {'dropped':>8}  verdict")
    for s in steps:
        print(f"{s.rate:>10g} {s.orders_per_s if s.orders_per_s is not None else '-':>12} "
              f"{s.delivery_p99_s if s.delivery_p99_s is not None else '-':>8} "
              f"{s.dropped_arrivals if s.dropped_arrivals is not None else '-':>8}  "
              f"{s.verdict}{' (' + ', '.join(s.failed) + ')' if s.failed else ''}")
    passed = [s.rate for s in steps if s.verdict == "pass"]
    broke = next((s.rate for s in steps if s.verdict != "pass"), None)
    out = Path(args.out) / f"capacity-{scenario.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scenario": scenario.name, "hold_s": args.hold,
                               "capacity_orders_per_s": passed[-1] if passed else None,
                               "slo_broke_at": broke, "steps": [asdict(s) for s in steps]},
                              indent=1), encoding="utf-8")
    verdict = (f"capacity: {passed[-1]:g} orders/s" if passed else "capacity: below the first step")
    tail = f"; the SLO broke at {broke:g} orders/s" if broke is not None else \
        f"; held up to the last step ({rates[-1]:g}/s): raise --to"
    print(verdict + tail, flush=True)
    print(out, flush=True)
    return 0 if passed else 1
