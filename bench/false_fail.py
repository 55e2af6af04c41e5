"""False-FAIL count: N clean drills in a row must give 0 FAIL (pass or inconclusive only).

    .venv/bin/python bench/false_fail.py [-n 10] [--scenario flash-sale] [--out /tmp/false-fail]
        [--timeout 300]

Issue 10.4: on a busy box a clean drill must not blame the shop. Each run is
`harness.py run SCENARIO --seed i` on the clean reference service (no defect);
per run this prints the verdict, the exit code, the failed checks, the
inconclusive reasons (e.g. "harness saturated: locust at 98% of a core") and
the harness's busiest component from harness.json; then the pass /
inconclusive / fail counts. Any FAIL of a clean run is a false FAIL: the
script exits 1 then. Print-only: a figure, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _run(scenario: str, seed: int, out: Path, timeout: float) -> tuple[int, Path | None, str]:
    argv = [sys.executable, str(ROOT / "harness.py"), "run", scenario, "--seed", str(seed),
            "--out", str(out), "--plain"]
    env = {**os.environ, "FAKA_DRILL_NO_BOOTSTRAP": "1", "CI": "true"}
    try:
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return -1, None, f"no result within {timeout:.0f} s"
    lines = done.stdout.strip().splitlines()
    run_dir = Path(lines[-1]) if lines and Path(lines[-1]).is_dir() else None
    return done.returncode, run_dir, done.stderr[-600:] if run_dir is None else ""


def _busiest(summary: dict[str, Any]) -> str:
    comps = (summary.get("harness") or {}).get("components") or []
    if not comps:
        return "no harness.json"
    top = max(comps, key=lambda c: c.get("cpu_p90", 0))
    return f"busiest harness part {top['name']} p90 {top['cpu_p90']:.0%} of a core"


def _report(i: int, code: int, run_dir: Path | None, error: str) -> str:
    if run_dir is None:
        print(f"run {i}: no run folder (exit {code}) {error}", flush=True)
        return "inconclusive"
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    verdict = str(summary.get("verdict"))
    failed = [c["id"] for c in summary.get("checks") or [] if c.get("ok") is False]
    metrics = summary.get("metrics") or {}
    print(f"run {i}: {verdict.upper()} exit {code}  orders/s {metrics.get('orders_per_s')}  "
          f"p99 {metrics.get('delivery_p99_s')} s  dropped {metrics.get('dropped_arrivals')}  "
          f"{_busiest(summary)}  {run_dir}", flush=True)
    for check in failed:
        print(f"    failed: {check}", flush=True)
    for reason in summary.get("inconclusive") or []:
        print(f"    inconclusive: {reason.splitlines()[0]}", flush=True)
    return verdict


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=10, help="clean runs in a row")
    p.add_argument("--scenario", default="flash-sale")
    p.add_argument("--out", type=Path, default=None, help="reports folder (default: a temp dir)")
    p.add_argument("--timeout", type=float, default=300.0, help="wall seconds a run, at most")
    args = p.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="false-fail-"))
    print(f"{args.n} clean {args.scenario} drills, reports in {out}; "
          f"load1 {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    counts = {"pass": 0, "inconclusive": 0, "fail": 0}
    t0 = time.monotonic()
    for i in range(1, args.n + 1):
        verdict = _report(i, *_run(args.scenario, i, out, args.timeout))
        counts[verdict if verdict in counts else "inconclusive"] += 1
    print(f"\n{counts['pass']} pass, {counts['inconclusive']} inconclusive, {counts['fail']} fail "
          f"of {args.n} clean runs ({time.monotonic() - t0:.0f} s); false FAILs: {counts['fail']}",
          flush=True)
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
