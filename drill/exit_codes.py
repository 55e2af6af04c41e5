"""What `harness.py` exit codes mean; every verb maps its outcome through these four."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASSED = 0         # every check passed
    FAILED = 1         # a check failed: the shop broke
    USAGE = 2          # usage or scenario error: nothing was started
    INCONCLUSIVE = 3   # a check could not judge, the run was interrupted / could not run,
    #                    or the harness itself was saturated


HELP = """exit codes:
  0  every check passed
  1  a check failed: the shop broke (a shop process that exited with no fault
     planning it fails the check shop-health)
  2  usage or scenario error; nothing was started
  3  inconclusive: some check unknown, the run interrupted or unable to run, a
     fake or the proxy died unplanned, or a speed check (latency, thresholds,
     completion, notify reply deadline) failed while the harness or the box was
     saturated (any other finding still fails); the reasons are printed and
     listed in summary.json "inconclusive"
  suite --baseline: a regression against the baseline exits 1"""

COMPARE_HELP = """exit codes:
  0  no regression beyond the tolerance
  1  a regression: p99 / p95 paid->delivered, delivered orders/s, error rate or retries
     worse than the baseline by more than the tolerance (and the metric's floor)
  2  bad input: a folder without summary.json, runs of two scenarios, a bad tolerance"""


_RANK = (ExitCode.FAILED, ExitCode.USAGE, ExitCode.INCONCLUSIVE, ExitCode.PASSED)


def merge_exit_codes(codes: list[int]) -> ExitCode:
    """One code for several runs (suite, zoo, capacity): a failure beats an error, which beats
    inconclusive, which beats a pass (Jepsen's merge-valid). No runs: a usage error."""
    present = {ExitCode(c) for c in codes}
    return next((c for c in _RANK if c in present), ExitCode.USAGE)
