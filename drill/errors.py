"""The conductor's one exception tree.

    DrillError                   anything the conductor reports to the user (exit 2, or 3)
     ├── ScenarioError           a scenario file is missing, unreadable or invalid
     ├── StackError              a component failed to start, answer or stop
     │    └── TargetError        a --db / --toxiproxy target is off loopback without opt-in
     ├── FaultError              a fault could not be planned, injected or healed
     ├── LoadError               the load generator failed (wrapped from drill.load)
     ├── CheckError              the oracle could not judge a run folder
     └── Interrupted             Ctrl-C / SIGTERM arrived; the run stops cleanly (exit 3)

Messages say which file, field or component, the bad value, and how to fix
it, e.g. ``smoke.toml: faults[2].target = 'supplier-b' is unknown (known:
supplier_primary, supplier_backup, ...)``.  Third-party exceptions (OSError,
pydantic, httpx, runtime.ProcessError) are wrapped where they enter the
conductor, so callers catch `DrillError` only.
"""

from __future__ import annotations

from drill.exit_codes import ExitCode


class DrillError(Exception):
    """Base of every error the conductor raises on purpose."""

    exit_code: int = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ScenarioError(DrillError):
    """A scenario is missing or invalid; `problems` holds one line per field."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  {path}: {p}" for p in self.problems)
        super().__init__(f"scenario {path} is invalid:\n{lines}")


class StackError(DrillError):
    """A component failed to start, answer or stop."""


class TargetError(StackError):
    """An external target (--db, --toxiproxy) is not on loopback."""


class FaultError(DrillError):
    """A fault could not be planned, injected or healed."""


class LoadError(DrillError):
    """The load generator failed."""


class CheckError(DrillError):
    """The run folder could not be judged."""


class Interrupted(DrillError):
    """The user (Ctrl-C) or the system (SIGTERM) asked us to stop."""

    exit_code = ExitCode.INCONCLUSIVE


__all__ = [
    "CheckError",
    "DrillError",
    "FaultError",
    "Interrupted",
    "LoadError",
    "ScenarioError",
    "StackError",
    "TargetError",
]
