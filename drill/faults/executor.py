"""Carry out a fault plan on time, prove every action, and heal everything (also on interrupt).

One daemon thread walks the plan; `heal_all()` stops it and heals whatever is
still active, newest first. After every inject and heal the state is read back
(drill/faults/proof.py): a fault is *proven* when the component shows it took
effect (and, after heal, that it is gone), and on time when it was injected
within the tolerance after its planned moment and not healed before its planned
end. Every action is appended to faults.jsonl (with ``proven`` and ``reason``, and on
a link the connections its proxy had accepted, drill/faults/counting.py),
published as a nemesis `Op` on `events.op_recorded` (the run's history writer
appends it, CONTRACTS §7/§8), and fired as an event. `unproven()` lists, in
words, every fault that was not proven, so the analysis can call the run
inconclusive.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drill.components import FAKES, LINKS
from drill.events import Events
from drill.faults.counting import accepted_connections
from drill.faults.outside import ContainerFaults, apply_command
from drill.faults.plan import FaultStep
from drill.faults.proof import Proof, timing_problem, tolerance_s, unproven_line
from drill.faults.rules import COMMAND, CONTAINER
from drill.faults.stack_faults import BehaviourFaults, apply_link, apply_process
from drill.history import Op
from drill.stack import Stack

NEMESIS = "nemesis"


class FaultExecutor:
    """Runs `steps` against `stack` from `start(t0)`; `heal_all()` ends it, `unproven()` judges it.

    `docker_base_url` overrides the scenario's `[docker] base_url` (a CLI option);
    `tolerance` overrides max(0.5 s, 5 % of the load) for the timing check.
    """

    def __init__(self, steps: list[FaultStep], stack: Stack, run_dir: Path, events: Events,
                 *, clock: Callable[[], float] = time.time,
                 docker_base_url: str | None = None,
                 tolerance: float | None = None) -> None:
        self.steps, self.stack, self.run_dir, self.events = steps, stack, run_dir, events
        self.clock = clock
        self.active: dict[int, FaultStep] = {}       # fault index -> its inject step
        scenario = getattr(stack, "scenario", None)
        duration = scenario.load.duration if scenario is not None else 0.0
        self.tolerance = tolerance_s(duration) if tolerance is None else tolerance
        base_url = docker_base_url or (scenario.docker.base_url if scenario is not None
                                       else None)
        self.containers = ContainerFaults(base_url)
        self._behaviour = BehaviourFaults(stack)
        self._unproven: list[str] = []
        self._injected: set[int] = set()
        self._stopped_because: str | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._restart_killed = True
        self.t0 = 0.0

    # -- timeline --------------------------------------------------------------
    def start(self, t0: float) -> None:
        self.t0 = t0
        self._thread = threading.Thread(target=self._run, name="fault-timeline", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for step in self.steps:
            delay = self.t0 + step.at - self.clock()
            if delay > 0 and self._stop.wait(delay):
                return
            if self._stop.is_set():
                return
            with self._lock:
                if step.action == "inject" or step.index in self.active:
                    self._do(step)

    def active_count(self) -> int:
        return len(self.active)

    def unproven(self) -> list[str]:
        """Each fault action not proven (or off its planned time), naming the fault and why;
        also each planned fault never injected, unless the run was stopped on purpose."""
        with self._lock:
            out = list(self._unproven)
            if self._stopped_because is None and self._stop.is_set():
                out += [f"fault {s.fault_id} planned at {s.at:g} s was never injected "
                        "(the load ended first)" for s in self.steps
                        if s.action == "inject" and s.index not in self._injected]
            return out

    def heal_all(self, timeout_s: float = 10.0, *, restart_killed: bool = True,
                 reason: str | None = None) -> None:
        """Stop the timeline and heal every active fault, newest first.

        With `restart_killed=False` (an interrupt: everything stops next) a killed
        process is left down instead of being started only to be stopped. A
        `reason` (a stop condition, an interrupt) says why faults heal before their
        planned end; such early heals are recorded with it and not reported as
        timing problems."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        with self._lock:
            self._stopped_because = self._stopped_because or reason
            self._restart_killed = restart_killed
            for index in sorted(self.active, reverse=True):
                inject = self.active[index]
                heal = next((s for s in self.steps if s.index == index and s.action == "heal"),
                            None)
                planned = heal.at if heal is not None else self.clock() - self.t0
                self._do(FaultStep(planned, "heal", index, inject.kind, inject.target,
                                   inject.params, open_end=heal is None or heal.open_end),
                         early=reason)
        self.close()


    def close(self) -> None:
        """Drop the docker client (made again on first use); heal_all calls it."""
        self.containers.close()

    # -- one action ------------------------------------------------------------
    def _do(self, step: FaultStep, *, early: str | None = None) -> None:
        began = self.clock()
        error: str | None = None
        heal = step.action == "heal"
        counted = self._count(step) if heal else {}  # before a heal, after an inject
        try:
            proof = self._apply(step)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            proof = Proof(False, f"{step.action} failed: {error}")
        if not heal:
            counted = self._count(step)
        if step.action == "inject":
            self.active[step.index] = step
            self._injected.add(step.index)
        else:
            self.active.pop(step.index, None)
        late = timing_problem(step.action, step.at, began - self.t0, self.tolerance,
                              early_ok=early is not None or step.open_end)
        proven = proof.proven and late is None
        reason = "; ".join(filter(None, [proof.reason, late]))
        if not proven:
            self._unproven.append(unproven_line(step.fault_id, step.action, reason))
        at = self.clock()
        self._record(step, at, error, proven, reason, early, counted)
        hook = self.events.fault_applied if step.action == "inject" else self.events.fault_healed
        hook.fire(step=step, at=at, ok=proven, error=None if proven else f"not proven: {reason}")

    def _apply(self, step: FaultStep) -> Proof:
        if step.kind == CONTAINER:
            return self.containers.apply(step)
        if step.kind == COMMAND:
            return apply_command(step, self.run_dir)
        if step.target in LINKS:
            return apply_link(self.stack, step, self.active)
        if step.kind == "behaviour" and step.target in FAKES:
            return self._behaviour.apply(step, self.active)
        return apply_process(self.stack, step, restart_killed=self._restart_killed)

    def _count(self, step: FaultStep) -> dict[str, Any]:
        """A link fault's accepted-connection count (after inject, before heal), else {}."""
        if step.kind in (COMMAND, CONTAINER) or step.target not in LINKS:
            return {}
        return accepted_connections(self.stack.toxiproxy, step.target)

    def _record(self, step: FaultStep, at: float, error: str | None, proven: bool,
                reason: str, early: str | None, counted: dict[str, Any]) -> None:
        line: dict[str, Any] = {
            "at": at, "fault_id": step.fault_id, "kind": step.kind, "target": step.target,
            "action": step.action, "params": step.params, "ok": error is None,
            "t": round(at - self.t0, 3), "planned_t": step.at, "proven": proven,
            "reason": reason, **counted}
        if error:
            line["error"] = error
        if early:
            line["early"] = early
        with open(self.run_dir / "faults.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")
        value = {"action": step.action, "target": step.target, "fault_id": step.fault_id,
                 "params": step.params, "proven": proven, "reason": reason,
                 **({"error": error} if error else {}), **({"early": early} if early else {})}
        self.events.op_recorded.fire(op=Op(NEMESIS, "info" if error is None else "fail",
                                           step.kind, value, at))
