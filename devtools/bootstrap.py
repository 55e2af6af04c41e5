"""Make `python3 harness.py ...` work on a fresh machine: stdlib only.

The first call creates `.venv`, installs the project into it, and re-executes
the same command inside it; later calls only check a stamp (the hash of
pyproject.toml), so re-running is cheap and idempotent. Set
FAKA_DRILL_NO_BOOTSTRAP=1 to run in an environment you manage yourself.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".faka-drill-installed"


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _install() -> None:
    if not _venv_python().exists():
        print(f"faka-drill: creating {VENV} (first run only)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("faka-drill: installing the project and its dependencies into .venv", file=sys.stderr)
    pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    result = subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=False)
    if result.returncode != 0:
        sys.exit(
            "faka-drill: installing into .venv failed (see pip's output above); "
            "fix the cause (network to PyPI? disk space?) and run the same command again"
        )
    STAMP.write_text(_wanted_stamp())


def ensure_environment() -> None:
    """Install when needed, then continue inside `.venv` (re-exec if we are outside it)."""
    if os.environ.get("FAKA_DRILL_NO_BOOTSTRAP") == "1":
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - a user may run an older python3
        sys.exit(f"faka-drill needs Python >= 3.11; this is {sys.version.split()[0]}")
    stamp = STAMP.read_text() if STAMP.exists() else ""
    if stamp != _wanted_stamp() or not _venv_python().exists():
        _install()
    if not _inside_venv():
        python = str(_venv_python())
        os.execv(python, [python, *sys.argv])

