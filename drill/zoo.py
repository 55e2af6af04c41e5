"""The bug zoo: every known delivery defect, the drill that must expose it, and its runner.

Each entry names a defect flag of the reference service (delivery/defects.py,
CONTRACTS §6), the real bug it reproduces, the scenario whose faults expose
it, and the oracle check that must go red. `harness.py zoo` runs every defect
against its scenario, and the clean service against every scenario used, and
exits 0 only when every defect is caught and every clean run passes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Defect:
    name: str       # the flag in delivery/defects.py
    scenario: str   # scenarios/<scenario>.toml exposes it
    check: str      # this check id must fail
    bug: str        # the real-world bug it models


ZOO: tuple[Defect, ...] = (
    Defect("dup-notify-redeliver", "callback-flaky", "no-duplicate",
           "dujiaoka #328/#97: a repeated payment notify re-runs delivery, several keys per order"),
    Defect("no-key-cas", "worker-crash", "no-duplicate",
           "dujiaoka's missing locks: plain SELECT, then UPDATE of unsold keys: one key, "
           "two buyers"),
    Defect("no-stock-lock", "stock-exhausted", "no-oversell",
           "dujiaoka: stock checked at order time but never reserved, buyers pay for keys "
           "that are gone (超卖)"),
    Defect("supplier-no-idempotency", "supplier-reject", "no-double-purchase",
           "a fresh request id on every retry: a timed-out purchase that committed upstream "
           "is bought again"),
    Defect("reject-after-commit-fails", "supplier-reject", "no-double-purchase",
           "acg-faka request_no rejection: after a commit-then-timeout the retry is refused "
           "('The request ID already exists') and the shop gives up on keys it paid for"),
    Defect("no-failover", "supplier-outage", "failover",
           "a single upstream: the primary goes dark and nothing falls back to the backup"),
    Defect("retry-storm", "supplier-errors", "retries",
           "retries without backoff or budget hammer a slow supplier (self-inflicted DoS)"),
    Defect("no-reconcile", "callback-flaky", "no-loss",
           "acg-faka #103 / dujiaoka #330: the notify never arrives and nobody queries the "
           "gateway, paid orders stay unpaid"),
    Defect("ack-before-deliver", "worker-crash", "no-loss",
           "dujiaoka #93: the job is acknowledged before delivery, a worker crash loses it"),
    Defect("manual-not-idempotent", "manual-race", "no-duplicate",
           "card-system #460/#4: a manual (re)delivery burns a fresh key for a delivered order"),
    Defect("alert-never-fires", "delivery-delay", "alerts",
           "paid orders pile up undelivered and the stuck-orders alert stays silent"),
    Defect("alert-every-tick", "delivery-delay", "alerts",
           "the alert is not de-duplicated per rule and window: it fires on every monitor tick"),
    Defect("no-delay-notice", "delivery-delay", "buyer-notice",
           "buyers of delayed orders are never told (no 'your order is delayed' mail)"),
)

BY_NAME = {d.name: d for d in ZOO}


def scenarios_of(defects: tuple[Defect, ...] | list[Defect]) -> list[str]:
    """Distinct scenarios in registry order."""
    return list(dict.fromkeys(d.scenario for d in defects))


@dataclass
class Outcome:
    scenario: str
    defect: str | None
    expected: str | None            # the check that must fail (None: clean run, all must pass)
    verdict: str
    failed: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    run_dir: str = ""
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        if self.defect is None:
            return self.exit_code == 0 and self.verdict == "pass"
        return self.exit_code == 1 and self.expected in self.failed


def failed_checks(summary: dict[str, Any]) -> list[str]:
    return [str(c["id"]) for c in summary.get("checks", []) if c.get("ok") is False]


def read_summary(run_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"verdict": "error", "checks": []}
    return data if isinstance(data, dict) else {"verdict": "error", "checks": []}


def run_case(scenario: str, defect: Defect | None, out: Path, seed: int | None = None,
             **options: Any) -> Outcome:
    """One drill through the same code path as `harness.py run` (drill.run.Run)."""
    from drill.run import Run, RunOptions
    from drill.scenario import load_scenario

    t0 = time.monotonic()
    s = load_scenario(scenario, time_scale=options.pop("time_scale", None), seed=seed)
    opts = RunOptions(out=out, defects=(defect.name,) if defect else (), fancy=False, **options)
    result = Run(s, opts).execute()
    summary = read_summary(result.run_dir)
    return Outcome(scenario, defect.name if defect else None, defect.check if defect else None,
                   str(summary.get("verdict")), failed_checks(summary),
                   round(time.monotonic() - t0, 1), str(result.run_dir), result.exit_code)


def table(rows: list[Outcome]) -> str:
    head = ("defect", "scenario", "expected check", "caught", "checks that fired", "wall s")
    body = []
    for r in rows:
        if r.defect is None:
            caught = "clean pass" if r.ok else f"CLEAN {r.verdict.upper()}"
        else:
            caught = "yes" if r.ok else "NO"
        body.append((r.defect or "(clean)", r.scenario, r.expected or "-", caught,
                     ", ".join(r.failed) or "-", f"{r.wall_s:.1f}"))
    widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in (head, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_defects(args: argparse.Namespace) -> int:
    rows = [(d.name, d.scenario, d.check, d.bug) for d in ZOO]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
    return 0


def _selected(only: list[str] | None) -> list[Defect]:
    from drill.errors import DrillError

    unknown = [n for n in only or [] if n not in BY_NAME]
    if unknown:
        raise DrillError(f"unknown defect(s) {', '.join(unknown)}",
                         hint="see `harness.py defects` for the zoo")
    return [BY_NAME[n] for n in only] if only else list(ZOO)


def cmd_zoo(args: argparse.Namespace) -> int:
    chosen = _selected(getattr(args, "only", None))
    out = Path(args.out)
    opts: dict[str, Any] = {"db": args.db, "toxiproxy": args.toxiproxy,
                            "allow_non_loopback": args.allow_non_loopback,
                            "time_scale": args.time_scale}
    rows: list[Outcome] = []
    plan: list[tuple[str, Defect | None]] = [(d.scenario, d) for d in chosen]
    if not getattr(args, "no_clean", False):
        plan += [(s, None) for s in scenarios_of(chosen)]
    for n, (scenario, defect) in enumerate(plan, 1):
        what = defect.name if defect else "clean"
        print(f"[zoo {n}/{len(plan)}] {scenario} with {what} ...", file=sys.stderr, flush=True)
        rows.append(run_case(scenario, defect, out, seed=args.seed, **opts))
        r = rows[-1]
        print(f"[zoo {n}/{len(plan)}] {'ok' if r.ok else 'NOT OK'}: verdict {r.verdict}, "
              f"failed {r.failed or '-'} ({r.wall_s:.0f} s) {r.run_dir}",
              file=sys.stderr, flush=True)
    print(table(rows), flush=True)
    missed = [r for r in rows if not r.ok]
    caught = sum(1 for r in rows if r.defect and r.ok)
    print(f"\n{caught}/{len(chosen)} defects caught; "
          f"{sum(1 for r in rows if not r.defect and r.ok)}/"
          f"{sum(1 for r in rows if not r.defect)} clean runs pass", flush=True)
    return 0 if not missed else 1
