"""faka-drill's conductor: scenario -> stack -> seed -> load + faults -> drain -> collect -> check.

Start reading at `drill.run.Run.execute`. This package root stays stdlib-only
(harness.py imports it before the venv bootstrap), so it re-exports only the
error tree, the exit codes and the run options; the rest lives in the
pipeline's packages (drill.scenario, drill.stack, drill.faults, drill.load,
drill.checks, drill.report) and modules (drill.run, drill.analyze, ...).
"""

from drill.errors import (
    CheckError,
    DrillError,
    FaultError,
    Interrupted,
    LoadError,
    ScenarioError,
    StackError,
    TargetError,
)
from drill.exit_codes import ExitCode
from drill.options import RunOptions

__all__ = [
    "CheckError",
    "DrillError",
    "ExitCode",
    "FaultError",
    "Interrupted",
    "LoadError",
    "RunOptions",
    "ScenarioError",
    "StackError",
    "TargetError",
]
