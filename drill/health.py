"""Watch the shop's processes: an exit no fault planned is reported at once and fails the run.

A drill whose shop died quietly must never pass. `HealthWatch` polls every
watched process (cheap: a `poll()` each, a few times a second); when one has
exited and the fault timeline did not plan it (a kill or restart fault in
progress), it hands an `UnplannedExit` (when, exit code, log tail) to its
listener once, and again only if the process was brought back and died anew.
`FaultExcuses` answers "planned?" from the fault executor: a process fault
that is due, being carried out, or active excuses the processes it targets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from drill.events import Events

if TYPE_CHECKING:      # drill.faults imports the scenario package, which is heavier
    from drill.faults.plan import FaultStep

__all__ = ["PROCESS_FAULTS", "FaultExcuses", "FaultTimeline", "HealthWatch", "UnplannedExit",
           "Watched"]

# Fault kinds that take a process down on purpose (container faults add "stop").
PROCESS_FAULTS = ("kill", "pause", "restart", "stop")
DUE_EARLY_S = 0.5           # the timeline may run a step this much before its `at`
IN_PROGRESS_MAX_S = 45.0    # an inject still running this long after its `at` is no excuse


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
    role: str = "shop"        # shop (the system under test) | harness (a fake, the proxy)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        tail = self.log_tail.strip().splitlines()[-5:]
        shown = "\n    ".join(tail) if tail else "(no output)"
        return (f"{self.component} exited with code {self.exit_code} and no fault planned it; "
                f"last lines of its log:\n    {shown}")


class HealthWatch:
    """Polls `components()` every `every_s` until `stop()`; `planned(name)` excuses an exit."""

    def __init__(self, components: Callable[[], Mapping[str, Watched]],
                 planned: Callable[[str], bool], on_exit: Callable[[UnplannedExit], None],
                 *, every_s: float = 0.2,
                 role: Callable[[str], str] = lambda _name: "shop") -> None:
        self._components = components
        self._role = role
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
            found.append(UnplannedExit(name, time.time(), proc.exit_code(), proc.log_tail(20),
                                       self._role(name)))
        return found

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            for event in self.poll_once():
                self.exits.append(event)
                self._on_exit(event)


class FaultTimeline(Protocol):
    """What the excuses read of the fault executor (drill.faults.executor.FaultExecutor)."""

    steps: list[FaultStep]
    active: dict[int, FaultStep]
    t0: float


class FaultExcuses:
    """`planned(name)` for the watch: a process fault acts on `name` right now.

    A fault acts from the moment its inject is due until its heal has finished:
    due but not yet applied (a restart stops, then starts, before the executor
    marks it active), or active in the executor. `members(target)` names the
    processes a fault target covers (`worker` = every worker).
    """

    def __init__(self, events: Events, timeline: Callable[[], FaultTimeline | None],
                 members: Callable[[str], Iterable[str]], *,
                 clock: Callable[[], float] = time.time) -> None:
        self._timeline, self._members, self._clock = timeline, members, clock
        self._applied: set[int] = set()
        events.fault_applied.add_listener(self._on_applied)

    def _on_applied(self, step: FaultStep, **_: Any) -> None:
        self._applied.add(step.index)

    def __call__(self, name: str) -> bool:
        timeline = self._timeline()
        if timeline is None:
            return False
        since = self._clock() - timeline.t0
        return any(self._acting(step, since, timeline.active)
                   for step in _process_steps(timeline.steps)
                   if name in self._names(step.target))

    def _acting(self, step: FaultStep, since: float, active: Mapping[int, FaultStep]) -> bool:
        if step.index in active:
            return True
        due = step.at - DUE_EARLY_S <= since <= step.at + IN_PROGRESS_MAX_S
        return step.action == "inject" and due and step.index not in self._applied

    def _names(self, target: str) -> set[str]:
        try:
            return set(self._members(target))
        except Exception:       # a target the stack does not run: it excuses nothing
            return set()


def _process_steps(steps: Sequence[FaultStep]) -> list[FaultStep]:
    return [s for s in steps if s.kind in PROCESS_FAULTS]
