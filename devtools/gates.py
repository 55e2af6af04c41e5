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
    argv = [sys.executable, "-m", "pytest", *pytest_args]
    print(f"faka-drill: python {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    code = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
    return 1 if code == 5 else code
