"""Show a run's progress: a live rich panel on a TTY, plain one-line messages otherwise.

A listener of the conductor's events only; it never changes the run. Quiet
(plain lines) when stderr is not a TTY or CI=true. Speaks the run's language
(drill.report.words); fault ids, component names and figures stay as they are.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from drill.events import Events
from drill.health import UnplannedExit
from drill.i18n import Lang
from drill.report.words import CONSOLE, phase_word


def fancy_allowed() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


class Progress:
    def __init__(self, events: Events, *, planned_s: float, title: str,
                 load_info: Callable[[], dict[str, Any]] | None = None,
                 fancy: bool | None = None, lang: Lang = "en") -> None:
        self.planned_s, self.title, self.lang = planned_s, title, lang
        self.load_info = load_info or (lambda: {})
        self.fancy = fancy_allowed() if fancy is None else fancy
        self.phase, self.started = "validate", time.time()
        self.faults_active: set[str] = set()
        self._live: Any = None
        self._stop = threading.Event()
        events.phase_changed.add_listener(self.on_phase)
        events.fault_applied.add_listener(self.on_fault)
        events.fault_healed.add_listener(self.on_fault)
        events.stopping.add_listener(self.on_stopping)

    def word(self, key: str, **fields: Any) -> str:
        return CONSOLE[key].say(self.lang, **fields)

    def say(self, text: str) -> None:
        if self._live is not None:
            self._live.console.print(text)
        else:
            print(f"[faka-drill] {text}", file=sys.stderr, flush=True)

    def on_phase(self, name: str, at: float) -> None:
        self.phase = name
        phase = self.word("phase", name=phase_word(name, self.lang))
        self.say(f"{at - self.started:6.1f}s  {phase}")
        if name == "load" and self.fancy and self._live is None:
            self._start_live()
        elif name != "load":
            self._stop_live()

    def on_fault(self, step: Any, at: float, ok: bool, error: str | None) -> None:
        if step.action == "inject":
            self.faults_active.add(step.fault_id)
        else:
            self.faults_active.discard(step.fault_id)
        status = self.word("ok") if ok else self.word("failed", error=error)
        action = self.word(step.action) if step.action in CONSOLE else step.action
        self.say(f"{at - self.started:6.1f}s  "
                 f"{self.word('fault', action=action, fault=step.fault_id, status=status)}")

    def alarm(self, event: UnplannedExit) -> None:
        """An unplanned exit, at once: the time, the component, its exit code and log tail."""
        clock = time.strftime("%H:%M:%S", time.localtime(event.at))
        self.say(f"{event.at - self.started:6.1f}s  {self.word('exit', clock=clock, event=event)}")

    def on_stopping(self, reason: str, at: float) -> None:
        self._stop_live()
        self.say(f"{at - self.started:6.1f}s  {self.word('stopping', reason=reason)}")

    def close(self) -> None:
        self._stop_live()

    # -- the live panel --------------------------------------------------------
    def render(self) -> Any:
        from rich.table import Table

        info = self.load_info() or {}
        table = Table.grid(padding=(0, 2))
        w = self.word
        table.add_row(w("drill"), self.title)
        table.add_row(w("phase_label"), phase_word(self.phase, self.lang))
        table.add_row(w("elapsed"), w("elapsed_of", done=time.time() - self.started,
                                      planned=self.planned_s))
        rate, p50, p99 = info.get("orders_per_s"), info.get("p50_s"), info.get("p99_s")
        table.add_row(w("orders_s"), "-" if rate is None else f"{rate:.1f}")
        table.add_row(w("latency"), "-" if p50 is None else f"p50 {p50:.2f}s  p99 {p99 or 0:.2f}s")
        table.add_row(w("faults"), ", ".join(sorted(self.faults_active)) or w("none"))
        return table

    def _start_live(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self._live = Live(self.render(), console=Console(stderr=True), refresh_per_second=2,
                          transient=True)
        self._live.start()
        self._stop.clear()

        def refresh() -> None:
            while not self._stop.wait(0.5) and self._live is not None:
                self._live.update(self.render())

        threading.Thread(target=refresh, daemon=True, name="progress").start()

    def _stop_live(self) -> None:
        self._stop.set()
        live, self._live = self._live, None
        if live is not None:
            live.stop()
