"""The clock a fake schedules by: the event loop in production, a manual one in tests.

Why injectable: retry schedules, throttle windows and mutes are compressed
scenario time; a test that waited for them in wall time would be slow and
flaky. With `ManualClock` a test moves time forward and sees exactly the
timers that are due fire, in order, with no sleep.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Wall time (Unix seconds) and one-shot timers in wall seconds."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer: ...


class LoopClock:
    """`time.time()` and the running event loop's timer heap."""

    def now(self) -> float:
        return time.time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return asyncio.get_running_loop().call_later(delay, callback)


class _ManualTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """Time that moves only when `advance` is called; due timers run inside `advance`."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._heap: list[tuple[float, int, _ManualTimer, Callable[[], None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = _ManualTimer()
        heapq.heappush(self._heap, (self._now + max(0.0, delay), next(self._order), timer,
                                    callback))
        return timer

    def next_due(self) -> float | None:
        """When the earliest live timer fires, or None when nothing is pending."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pending(self) -> int:
        return sum(1 for _, _, timer, _ in self._heap if not timer.cancelled)

    def advance(self, seconds: float) -> None:
        """Move time forward, running every timer due on the way at its own time."""
        end = self._now + seconds
        while self._heap and self._heap[0][0] <= end:
            due, _, timer, callback = heapq.heappop(self._heap)
            self._now = max(self._now, due)
            if not timer.cancelled:
                callback()
        self._now = end
