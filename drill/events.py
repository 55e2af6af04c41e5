"""Typed event hooks between the conductor and its observers (as in Locust).

The conductor fires; the progress display and recorders listen. A failing
listener is logged and never stops the run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("drill.events")


class EventHook:
    """A list of listeners called with keyword arguments only."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Callable[..., Any]] = []
        self._lock = threading.Lock()

    def add_listener(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        with self._lock:
            self._listeners.append(fn)
        return fn

    def remove_listener(self, fn: Callable[..., Any]) -> None:
        with self._lock:
            if fn in self._listeners:
                self._listeners.remove(fn)

    def fire(self, **kwargs: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(**kwargs)
            except Exception:
                log.exception("listener %r of event %s failed", fn, self.name)


class Events:
    """Every hook the conductor fires.

    phase_changed(name: str, at: float)                       a run phase begins
    fault_applied(step: FaultStep, at: float, ok: bool, error: str | None)
    fault_healed(step: FaultStep, at: float, ok: bool, error: str | None)
    operator_action(f: str, order_no: str, ok: bool, at: float)   the runbook bot acted
    op_recorded(op: Op)                                       an op for history.jsonl
    stopping(reason: str, at: float)                          the run is stopping early
    """

    def __init__(self) -> None:
        self.phase_changed = EventHook("phase_changed")
        self.fault_applied = EventHook("fault_applied")
        self.fault_healed = EventHook("fault_healed")
        self.operator_action = EventHook("operator_action")
        self.op_recorded = EventHook("op_recorded")
        self.stopping = EventHook("stopping")
