"""The one polling helper of the test suite: wait for a business outcome, never for readiness.

Readiness comes from READY lines (runtime.ManagedProcess); this is for outcomes
that take a while by design (an order delivered, a retry landed). On timeout it
fails naming what was awaited and the last value seen, so a red test says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

__all__ = ["wait_until"]


def wait_until(
    check: Callable[[], T],
    *,
    timeout: float = 20.0,
    every: float = 0.05,
    what: str = "condition",
) -> T:
    """Call `check` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s (last value: {last!r})")
        time.sleep(every)
