"""What `harness.py` exit codes mean; every verb maps its outcome through these four."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASSED = 0         # every check passed
    FAILED = 1         # a check failed: the shop broke
    USAGE = 2          # usage or scenario error: nothing was started
    INCONCLUSIVE = 3   # a check could not judge, or the run was interrupted / could not run


HELP = """exit codes:
  0  every check passed
  1  a check failed (the shop broke)
  2  usage or scenario error; nothing was started
  3  inconclusive: some check unknown, or the run interrupted or unable to run
     (the reasons are printed and listed in summary.json "inconclusive")"""


_RANK = (ExitCode.FAILED, ExitCode.USAGE, ExitCode.INCONCLUSIVE, ExitCode.PASSED)


def merge_exit_codes(codes: list[int]) -> ExitCode:
    """One code for several runs (suite, zoo, capacity): a failure beats an error, which beats
    inconclusive, which beats a pass (Jepsen's merge-valid). No runs: a usage error."""
    present = {ExitCode(c) for c in codes}
    return next((c for c in _RANK if c in present), ExitCode.USAGE)
