"""Watch the shop's processes: an exit no fault planned is reported at once and fails the run.

A drill whose shop died quietly must never pass. `HealthWatch` polls every
watched process (cheap: a `poll()` each, a few times a second); when one has
exited and the fault timeline did not plan it (a kill or restart fault in
progress), it hands an `UnplannedExit` (when, exit code, log tail) to its
listener once, and again only if the process was brought back and died anew.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

__all__ = ["HealthWatch", "UnplannedExit", "Watched"]


class Watched(Protocol):
    """What the watch needs of a process (runtime.ManagedProcess has it)."""

    def alive(self) -> bool: ...

    def exit_code(self) -> int | None: ...

    def log_tail(self, lines: int = 20) -> str: ...


@dataclass(frozen=True, slots=True)
class UnplannedExit:
    component: str
    at: float                 # wall clock (time.time())
    exit_code: int | None
    log_tail: str

    def __str__(self) -> str:
        tail = self.log_tail.strip().splitlines()[-5:]
        shown = "\n    ".join(tail) if tail else "(no output)"
        return (f"{self.component} exited with code {self.exit_code} and no fault planned it; "
                f"last lines of its log:\n    {shown}")


class HealthWatch:
    """Polls `components()` every `every_s` until `stop()`; `planned(name)` excuses an exit."""

    def __init__(self, components: Callable[[], Mapping[str, Watched]],
                 planned: Callable[[str], bool], on_exit: Callable[[UnplannedExit], None],
                 *, every_s: float = 0.2) -> None:
        self._components = components
        self._planned = planned
        self._on_exit = on_exit
        self._every = every_s
        self._stop = threading.Event()
        self._down: set[str] = set()
        self.exits: list[UnplannedExit] = []
        self._thread = threading.Thread(target=self._loop, name="health-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[UnplannedExit]:
        """Stop watching (before the stack is torn down) and return what was seen."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        return list(self.exits)

    def poll_once(self) -> list[UnplannedExit]:
        """One pass over the processes; what newly died unplanned."""
        found = []
        for name, proc in self._components().items():
            if proc.alive():
                self._down.discard(name)
                continue
            if name in self._down or self._planned(name):
                continue
            self._down.add(name)
            found.append(UnplannedExit(name, time.time(), proc.exit_code(), proc.log_tail(20)))
        return found

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            for event in self.poll_once():
                self.exits.append(event)
                self._on_exit(event)
