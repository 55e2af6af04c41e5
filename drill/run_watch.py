"""The run's two watchers over its stack: the shop's health, and the harness's own CPU.

`StackWatch` builds a `HealthWatch` over every stack process (the fault
executor's active process faults excuse their targets) and, during the load, a
`SaturationSampler` over the harness's processes — Locust and its workers, the
conductor itself, the fakes, the embedded proxy — with the shop's processes
sampled apart, for information, and the gateway fake's /healthz round trip (its
event loop's lag). The run only starts and stops them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from drill.components import API, GATEWAY, SERVICE, WORKER
from drill.events import Events
from drill.health import FaultExcuses, FaultTimeline, HealthWatch, UnplannedExit
from drill.load import LoadRun
from drill.saturation import SaturationSampler, write_harness
from drill.stack import Stack
from runtime import ManagedProcess

LOCUST, CONDUCTOR = "locust", "conductor"


def is_shop(component: str) -> bool:
    """The system under test: the service, or its api and workers."""
    return component in (SERVICE, API) or component.startswith(f"{WORKER}-")


class StackWatch:
    def __init__(self, stack: Stack, events: Events,
                 timeline: Callable[[], FaultTimeline | None],
                 alarm: Callable[[UnplannedExit], None]) -> None:
        self.stack, self.events, self._timeline, self._alarm = stack, events, timeline, alarm
        self.health: HealthWatch | None = None
        self.sampler: SaturationSampler | None = None
        self.unplanned: list[UnplannedExit] = []

    # -- health ------------------------------------------------------------------
    def start_health(self) -> None:
        excuses = FaultExcuses(self.events, self._timeline,
                               lambda target: [p.name for p in self.stack.processes(target)])
        self.health = HealthWatch(self._started, excuses, self._on_exit,
                                  role=lambda n: "shop" if is_shop(n) else "harness")
        self.health.start()

    def _started(self) -> dict[str, ManagedProcess]:
        """The processes that were ready once (the stack phase adds them a tier at a time;
        one that dies before READY fails the stack phase, a harness error, instead)."""
        return {n: p for n, p in self.stack.components.items() if p.ready and p.pid is not None}

    def _on_exit(self, event: UnplannedExit) -> None:
        self.unplanned.append(event)
        self._alarm(event)

    def shop_down(self) -> bool:
        """A shop process died unplanned and is still down: waiting on it settles nothing."""
        procs = self.stack.components
        return any(e.role == "shop" and e.component in procs and not procs[e.component].alive()
                   for e in self.unplanned)

    def stop_health(self) -> None:
        """Before the stack is stopped (idempotent): a teardown is no unplanned exit."""
        if self.health is not None:
            self.health.stop()

    # -- saturation ----------------------------------------------------------------
    def start_sampler(self, load: LoadRun) -> None:
        def pids() -> dict[str, int]:
            out = {n: p.pid for n, p in self.stack.components.items()
                   if p.pid is not None and p.alive()}
            if load.popen is not None:
                out[LOCUST] = load.popen.pid
            for i, worker in enumerate(load.workers, 1):   # master/worker: not the master's
                out[f"{LOCUST}-worker-{i}"] = worker.pid     # children, each its own session
            out[CONDUCTOR] = os.getpid()
            return out

        # only Locust forks workers (--processes); a process tree walk reads all of /proc, so
        # the rest (the conductor above all: its tree is the whole stack) is sampled alone
        workers = [f"{LOCUST}-worker-{i}" for i in range(1, len(load.workers) + 1)]
        self.sampler = SaturationSampler(pids, alone=(CONDUCTOR, *workers,
                                                      *self.stack.components),
                                         shop=[n for n in self.stack.components if is_shop(n)],
                                         probes={GATEWAY: self.stack.url(GATEWAY) + "/healthz"})
        self.sampler.start()

    def stop_sampler(self, run_dir: Path) -> None:
        """Stop sampling and write harness.json (once; later calls do nothing)."""
        sampler, self.sampler = self.sampler, None
        if sampler is not None:
            write_harness(run_dir, sampler.stop())
