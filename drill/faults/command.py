"""The `command` fault: break a shop that is not in a container with a shell command of the user's.

``systemctl stop php-fpm`` and ``systemctl start php-fpm``, ``iptables -A ...``
and ``iptables -D ...``: the user gives the command that breaks and the one
that heals, each bounded by a timeout.  Each runs through ``/bin/sh -c`` in
its own session (a timeout kills the whole group, so nothing it started
lingers) with stdout and stderr captured to files in the given folder.  A
non-zero exit, a kill by signal or a timeout is not an exception but a
`CommandResult` whose ``error`` names the command and says what happened, so
the executor can mark the fault as not applied (or not healed) and go on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from drill.errors import FaultError
from runtime.orphans import die_with_parent

Step = Literal["inject", "heal"]


@dataclass(frozen=True, slots=True)
class CommandFault:
    """A user's breaking command and its heal, each with a timeout in seconds."""

    command: str
    heal: str
    timeout_s: float = 30.0
    heal_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        for field, text in (("command", self.command), ("heal", self.heal)):
            if not text.strip():
                raise FaultError(f"a command fault needs a non-empty {field}",
                                 hint="give both `command` and `heal` (the command that undoes it)")
        limits = (("timeout_s", self.timeout_s), ("heal_timeout_s", self.heal_timeout_s))
        for field, limit in limits:
            if not 0 < limit < float("inf"):
                raise FaultError(f"a command fault's {field} must be a positive number of "
                                 f"seconds, got {limit!r}")


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How one run of a command ended; ``error`` is None only for exit code 0 in time."""

    step: Step
    command: str
    exit_code: int | None          # None: timed out, or could not start
    duration_s: float
    stdout_path: Path
    stderr_path: Path
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def inject(fault: CommandFault, out_dir: Path, *, name: str = "command",
           env: dict[str, str] | None = None) -> CommandResult:
    """Run the breaking command; output in ``out_dir/<name>-inject.{stdout,stderr}``."""
    return run_command("inject", fault.command, fault.timeout_s, out_dir, name=name, env=env)


def heal(fault: CommandFault, out_dir: Path, *, name: str = "command",
         env: dict[str, str] | None = None) -> CommandResult:
    """Run the heal command; output in ``out_dir/<name>-heal.{stdout,stderr}``."""
    return run_command("heal", fault.heal, fault.heal_timeout_s, out_dir, name=name, env=env)


def run_command(step: Step, command: str, timeout_s: float, out_dir: Path, *,
                name: str = "command", env: dict[str, str] | None = None) -> CommandResult:
    """Run `command` with ``/bin/sh -c``, bounded by `timeout_s`, output captured to files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout_path = out_dir / f"{name}-{step}.stdout"
    stderr_path = out_dir / f"{name}-{step}.stderr"
    began = time.monotonic()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        try:
            proc = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, env={**os.environ, **(env or {})},
                                    start_new_session=True, preexec_fn=die_with_parent())
        except OSError as exc:
            return CommandResult(step, command, None, 0.0, stdout_path, stderr_path,
                                 f"{step} command {command!r} could not start: {exc}")
        code = _wait_or_kill_group(proc, timeout_s)
    took = time.monotonic() - began
    return CommandResult(step, command, code, took, stdout_path, stderr_path,
                         _error(step, command, code, timeout_s, stderr_path))


def _wait_or_kill_group(proc: subprocess.Popen[bytes], timeout_s: float) -> int | None:
    """The exit code, or None after SIGKILLing the command's whole session on timeout."""
    try:
        return proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
        return None


def _error(step: Step, command: str, code: int | None, timeout_s: float,
           stderr_path: Path) -> str | None:
    if code == 0:
        return None
    where = f"output in {stderr_path.with_suffix('')}.{{stdout,stderr}}"
    if code is None:
        return f"{step} command {command!r} timed out after {timeout_s:g} s and was killed; {where}"
    what = f"was killed by {_signal_name(-code)}" if code < 0 else f"exited with code {code}"
    with open(stderr_path, encoding="utf-8", errors="replace") as fh:
        tail = "".join(deque(fh, maxlen=5)).strip()
    return f"{step} command {command!r} {what}" + (f": {tail}" if tail else "") + f"; {where}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
