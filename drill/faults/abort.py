"""Stop conditions, evaluated live: stop the drill when the shop is hurt more than planned.

`AbortMonitor` listens to `events.op_recorded` (and takes buyer ops from any
other live feed through `observe`); ops are only queued there, so a writer's
thread never does the work. Its own thread evaluates every rule about four
times a second over a sliding window of the last `window_s` seconds of buyer
ops (in memory; nothing is read from disk):

- ``error_rate``: buyer ops that failed or ended unknown (fail + info) over
  buyer invokes, as in the report's metric, once the window holds `min_ops`;
- ``delivery_p50/p95/p99``: paid -> delivered as buyers saw it, for orders
  delivered in the window plus the age of every order paid and still waiting
  (a shop that delivers nothing cannot hide behind an empty sample).

A rule with ``for 10s`` trips once it has held at every evaluation for 10 s
without a break. On the first trip the monitor publishes a nemesis ``abort``
op, fires `events.stopping`, and calls `on_trip(trip)` from its own thread
(the run stops the load and heals every fault there); it then stops.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from drill.events import Events
from drill.history import Op
from drill.percentile import percentile
from drill.scenario.abort_rules import AbortRule, parse_abort_rule

NEMESIS = "nemesis"
_NOT_BUYERS = (NEMESIS, "operator")
SNOOPER = "snooper"  # drill/load/snooper.py's processes: refusals are what they should get


@dataclass(frozen=True, slots=True)
class Trip:
    """Which stop condition held, when (wall time and seconds into the load), at what value."""

    rule: str
    at: float
    t: float
    value: float

    def describe(self) -> str:
        return (f"stop condition {self.rule!r} held at {self.t:.1f} s into the load "
                f"(measured {_show(self.rule, self.value)}); the load was stopped and every "
                "fault healed")

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "at": self.at, "t": round(self.t, 3), "value": self.value}


def _show(rule: str, value: float) -> str:
    return f"{value:.0%}" if rule.lstrip().startswith("error_rate") else f"{value:.2f} s"


class AbortMonitor:
    """Evaluate `rules` on the live op stream; `tripped` is the first `Trip`, or None."""

    def __init__(self, rules: Iterable[str | AbortRule], events: Events,
                 on_trip: Callable[[Trip], None] | None = None, *,
                 clock: Callable[[], float] = time.time, window_s: float = 5.0,
                 min_ops: int = 5, tick_s: float = 0.25) -> None:
        self.rules = [r if isinstance(r, AbortRule) else parse_abort_rule(r) for r in rules]
        self.events, self.on_trip, self.clock = events, on_trip, clock
        self.window_s, self.min_ops, self.tick_s = window_s, min_ops, tick_s
        self.t0 = 0.0
        self._inbox: deque[dict[str, Any]] = deque()
        self._ops: deque[tuple[float, str]] = deque()          # (time, type) of buyer ops
        self._delivered: deque[tuple[float, float]] = deque()  # (delivered at, latency)
        self._paid: dict[str, float] = {}                      # order_no -> paid at
        self._since: dict[str, float] = {}                     # rule text -> holding since
        self._tripped: Trip | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def tripped(self) -> Trip | None:
        return self._tripped

    # -- lifecycle ---------------------------------------------------------------
    def start(self, t0: float | None = None) -> None:
        """Listen on `events.op_recorded` and evaluate on a thread; nothing to do without rules."""
        self.t0 = self.clock() if t0 is None else t0
        if not self.rules:
            return
        self.events.op_recorded.add_listener(self._on_op)
        self._thread = threading.Thread(target=self._run, name="abort-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.events.op_recorded.remove_listener(self._on_op)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    # -- input -------------------------------------------------------------------
    def _on_op(self, *, op: Op) -> None:
        self.observe(op.to_dict())

    def observe(self, op: dict[str, Any]) -> None:
        """Queue one op as a dict of the history shape (CONTRACTS §7); any thread, O(1)."""
        self._inbox.append(op)

    # -- evaluation --------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            trip = self.evaluate()
            if trip is not None:
                self._fire(trip)
                return

    def evaluate(self, now: float | None = None) -> Trip | None:
        """Take in the queued ops and check every rule at `now`; the trip, once one holds."""
        now = self.clock() if now is None else now
        self._drain(now)
        for rule in self.rules:
            value = self._measure(rule.metric, now)
            if value is None or not rule.holds(value):
                self._since.pop(rule.text, None)
                continue
            since = self._since.setdefault(rule.text, now)
            if now - since >= rule.for_s and self._tripped is None:
                self._tripped = Trip(rule.text, now, now - self.t0, value)
        return self._tripped

    def _drain(self, now: float) -> None:
        while self._inbox:
            self._feed(self._inbox.popleft())
        horizon = now - self.window_s
        while self._ops and self._ops[0][0] < horizon:
            self._ops.popleft()
        while self._delivered and self._delivered[0][0] < horizon:
            self._delivered.popleft()

    def _feed(self, op: dict[str, Any]) -> None:
        proc = str(op.get("process", ""))
        if proc in _NOT_BUYERS or proc.startswith(SNOOPER):  # a refused snoop: the shop right
            return
        kind, f, at = str(op.get("type")), op.get("f"), float(op.get("time") or 0.0)
        order = str((op.get("value") or {}).get("order_no"))
        self._ops.append((at, kind))
        if f == "pay" and kind == "ok":
            self._paid[order] = at
        elif f == "await_delivery" and kind in ("ok", "fail", "info"):
            paid = self._paid.pop(order, None)
            if kind == "ok" and paid is not None:
                self._delivered.append((at, at - paid))

    def _measure(self, metric: str, now: float) -> float | None:
        if metric == "error_rate":
            invokes = sum(1 for _, kind in self._ops if kind == "invoke")
            bad = sum(1 for _, kind in self._ops if kind in ("fail", "info"))
            return bad / invokes if invokes >= self.min_ops else None
        samples = [lat for _, lat in self._delivered] + [now - t for t in self._paid.values()]
        if not samples:
            return None
        return percentile(samples, float(metric.removeprefix("delivery_p").removesuffix("_s")))

    def _fire(self, trip: Trip) -> None:
        self.stop()
        self.events.op_recorded.fire(op=Op(NEMESIS, "info", "abort", trip.to_dict(), trip.at))
        self.events.stopping.fire(reason=trip.describe(), at=trip.at)
        if self.on_trip is not None:
            self.on_trip(trip)
