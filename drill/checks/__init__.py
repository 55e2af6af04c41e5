"""The oracle: pure checkers over a run folder's recorded sources (Jepsen style).

`evaluate(run_dir, spec)` loads the sources once and returns one Verdict per
check; each checker is `check(sources, spec) -> Verdict` in its own module.
"""

from drill.checks.evaluate import CHECKERS, evaluate, run_checks
from drill.checks.metrics import compute_metrics
from drill.checks.sources import Sources, load_sources
from drill.checks.spec import CheckSpec, Threshold
from drill.checks.verdict import Verdict, merge_ok
from drill.scenario import CHECK_IDS

__all__ = [
    "CHECKERS",
    "CHECK_IDS",
    "CheckSpec",
    "Sources",
    "Threshold",
    "Verdict",
    "compute_metrics",
    "evaluate",
    "load_sources",
    "merge_ok",
    "run_checks",
]
