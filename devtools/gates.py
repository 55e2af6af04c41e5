"""The README's test command: the gates (ruff, mypy, sizes), then pytest; any finding fails.

`python3 harness.py test` is what CI runs (.ci/run). Every gate prints what it
ran and its result; `--no-gates` skips them for a quick local run and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE_PATHS = ("drill", "delivery", "fakes", "runtime", "harness.py")
# Drills mostly wait (timers, settles, readiness), so two pytest workers halve the wall
# time on a 2-core box; a file stays on one worker (its fixtures and processes with it).
WORKERS_ENV = "FAKA_DRILL_TEST_WORKERS"


def parallel_args(pytest_args: list[str]) -> list[str]:
    """`-n N --dist loadfile` (N from FAKA_DRILL_TEST_WORKERS, default 2; 0 = one process)
    unless the caller chose the workers already."""
    chosen = ("-n", "--numprocesses", "no:xdist", "-pno:xdist")
    if any(a.startswith(chosen) for a in pytest_args):
        return []
    workers = os.environ.get(WORKERS_ENV, "2")
    if not workers.isdigit():
        raise SystemExit(f"faka-drill: {WORKERS_ENV}={workers!r} is not a whole number "
                         "(0 runs the tests in one process)")
    return [] if workers == "0" else ["-n", workers, "--dist", "loadfile"]


def gates() -> list[tuple[str, list[str]]]:
    """(name, argv) of every gate, run from the repository root."""
    py = sys.executable
    return [
        ("ruff", [py, "-m", "ruff", "check", "."]),
        ("mypy", [py, "-m", "mypy"]),          # strict, files and plugin from pyproject.toml
        ("sizes", [py, "-m", "devtools.sizes", *SIZE_PATHS]),
    ]


def run_gates() -> list[str]:
    """Run every gate (all of them, so one call shows every finding); the names that failed."""
    failed = []
    for name, argv in gates():
        print(f"faka-drill: gate {name}: python {' '.join(argv[1:])}", file=sys.stderr, flush=True)
        code = subprocess.run(argv, cwd=ROOT, check=False).returncode
        print(f"faka-drill: gate {name}: {'ok' if code == 0 else f'FAILED (exit {code})'}",
              file=sys.stderr, flush=True)
        if code != 0:
            failed.append(name)
    return failed


def run_tests(pytest_args: list[str], *, with_gates: bool = True) -> int:
    """Gates first, then pytest with `pytest_args` (pytest exit 5 'no tests' is a failure)."""
    if with_gates:
        failed = run_gates()
        if failed:
            print(f"faka-drill: gates failed: {', '.join(failed)}; fix the findings above "
                  "(pytest not run)", file=sys.stderr, flush=True)
            return 1
    else:
        print("faka-drill: gates SKIPPED (--no-gates): ruff, mypy and sizes were not run",
              file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "pytest", *parallel_args(pytest_args), *pytest_args]
    print(f"faka-drill: python {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    code = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
    return 1 if code == 5 else code
