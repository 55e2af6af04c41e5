"""Ctrl-C / SIGTERM for a run: turn them into `Interrupted` in the main thread, or hold them."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
Handler = Callable[[int, FrameType | None], None]


@contextlib.contextmanager
def handled(handler: Handler) -> Iterator[bool]:
    """Route SIGINT/SIGTERM to `handler` while inside; yields False off the main thread
    (signals cannot be handled there, so nothing is installed)."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    old = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield True
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Hold SIGINT/SIGTERM across a spawn so a child is never started but unrecorded."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name
