"""Carry out a fault plan on time, and heal everything it injected (also on interrupt).

One daemon thread walks the plan; `heal_all()` stops it and heals whatever is
still active, newest first. Every inject/heal is appended to faults.jsonl (the
executor's own log), published as a nemesis `Op` on `events.op_recorded` (the
run's history writer appends it, CONTRACTS §7/§8), and fired as an event.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from drill.components import FAKES, LINKS
from drill.events import Events
from drill.faults.plan import TOXIC_ATTRIBUTES, FaultStep
from drill.history import Op
from drill.stack import Stack

NEMESIS = "nemesis"


class FaultExecutor:
    def __init__(self, steps: list[FaultStep], stack: Stack, run_dir: Path, events: Events,
                 *, clock: Callable[[], float] = time.time) -> None:
        self.steps, self.stack, self.run_dir, self.events = steps, stack, run_dir, events
        self.clock = clock
        self.active: dict[int, FaultStep] = {}       # fault index -> its inject step
        self._baseline: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
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

    def heal_all(self, timeout_s: float = 10.0, *, restart_killed: bool = True) -> None:
        """Stop the timeline and heal every active fault, newest first.

        With `restart_killed=False` (an interrupt: everything stops next) a killed
        process is left down instead of being started only to be stopped."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        with self._lock:
            for index in sorted(self.active, reverse=True):
                inject = self.active[index]
                if inject.kind == "kill" and not restart_killed:
                    self.active.pop(index)
                    continue
                heal = FaultStep(self.clock() - self.t0, "heal", index, inject.kind,
                                 inject.target, inject.params)
                self._do(heal)

    # -- one action ------------------------------------------------------------
    def _do(self, step: FaultStep) -> None:
        error: str | None = None
        try:
            self._apply(step)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        if step.action == "inject":
            self.active[step.index] = step
        else:
            self.active.pop(step.index, None)
        at = self.clock()
        self._record(step, at, error)
        hook = self.events.fault_applied if step.action == "inject" else self.events.fault_healed
        hook.fire(step=step, at=at, ok=error is None, error=error)

    def _apply(self, step: FaultStep) -> None:
        inject = step.action == "inject"
        if step.target in LINKS:
            toxi = self.stack.toxiproxy
            assert toxi is not None
            if step.kind == "down":
                others = [s for i, s in self.active.items() if i != step.index
                          and s.target == step.target and s.kind == "down"]
                if inject or not others:
                    toxi.set_enabled(step.target, not inject)
            elif step.kind in TOXIC_ATTRIBUTES:
                if inject:
                    toxi.add_toxic(step.target, step.fault_id, step.kind, step.params)
                else:
                    toxi.remove_toxic(step.target, step.fault_id)
            return
        if step.kind == "behaviour" and step.target in FAKES:
            self._behaviour(step, inject)
            return
        for proc in self.stack.processes(step.target):
            if step.kind == "kill":
                if inject:
                    proc.kill()
                elif not proc.alive():
                    self.stack.start_procs([proc])
            elif step.kind == "pause" and inject:
                proc.pause()
            elif step.kind == "pause":
                proc.resume()
            elif step.kind == "restart" and inject:
                proc.stop()
                self.stack.start_procs([proc])

    def _behaviour(self, step: FaultStep, inject: bool) -> None:
        url = self.stack.url(step.target) + "/_fake/behaviour"
        with httpx.Client(timeout=5) as client:
            if step.target not in self._baseline:
                r = client.get(url)
                r.raise_for_status()
                self._baseline[step.target] = dict(r.json().get("behaviour", {}))
            if inject:
                patch = dict(step.params)
            else:  # back to the baseline, overlaid by faults still active on this fake
                values = dict(self._baseline[step.target])
                for i in sorted(self.active):
                    other = self.active[i]
                    if i != step.index and other.target == step.target:
                        values.update(other.params)
                patch = {k: values[k] for k in step.params if k in values}
            r = client.put(url, json=patch)
            if r.status_code != 200:
                raise RuntimeError(f"PUT {url} {patch} answered {r.status_code}: {r.text[:200]}")

    def _record(self, step: FaultStep, at: float, error: str | None) -> None:
        line: dict[str, Any] = {
            "at": at, "fault_id": step.fault_id, "kind": step.kind, "target": step.target,
            "action": step.action, "params": step.params, "ok": error is None,
            "t": round(at - self.t0, 3)}
        if error:
            line["error"] = error
        with open(self.run_dir / "faults.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")
        value = {"action": step.action, "target": step.target, "fault_id": step.fault_id,
                 "params": step.params, **({"error": error} if error else {})}
        self.events.op_recorded.fire(op=Op(NEMESIS, "info" if error is None else "fail",
                                           step.kind, value, at))
