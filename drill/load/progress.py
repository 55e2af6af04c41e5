"""Live progress of the load, for the conductor's console, without per-op work in the conductor.

Buyers count their own progress: each Locust process's `OpRecorder` feeds every op
it records to a `ProgressCounts` and writes `progress-<pid>.json` (a small
snapshot: counts and a latency histogram) at most every SNAPSHOT_EVERY_S; the
master does the same for ops shipped from workers on other machines. The
conductor's console asks `LoadRun.progress()` about twice a second; `ProgressTail`
then reads a few small files, whatever the load. Only when something must see
every op (`on_op`: the stop-condition monitor) does it tail the growing
history-<pid>.jsonl files instead, from where it stopped last time.
Paid→delivered is measured buyer-side here (pay ok → await_delivery ok); the
oracle later uses the gateway's paid time. No Locust import.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drill.percentile import percentile

SNAPSHOT_EVERY_S = 0.5
# latency histogram: bucket i holds latencies <= EDGES[i] (1 ms × 1.2^i, up to ~10 min)
EDGES = tuple(0.001 * 1.2 ** i for i in range(75))
_FIELDS = ("started", "paid", "delivered", "failed", "unknown")


class ProgressCounts:
    """Counts and paid→delivered latencies of the ops one process recorded (O(1) an op)."""

    def __init__(self) -> None:
        self.started = self.paid = self.delivered = self.failed = self.unknown = 0
        self.hist = [0] * (len(EDGES) + 1)
        self.first_time: float | None = None
        self._paid_at: dict[str, float] = {}
        self._written = 0.0

    def feed(self, kind: str, f: str, value: dict[str, Any], at: float) -> float | None:
        """Count one op; the paid→delivered latency when it completes a delivery."""
        if self.first_time is None:
            self.first_time = at
        if kind == "fail":
            self.failed += 1
        elif kind == "info":
            self.unknown += 1
        if kind == "invoke" and f == "create_order":
            self.started += 1
        elif kind == "ok" and f == "pay":
            self.paid += 1
            self._paid_at[str(value.get("order_no"))] = at
        elif kind == "ok" and f == "await_delivery":
            self.delivered += 1
            paid = self._paid_at.pop(str(value.get("order_no")), None)
            if paid is not None:
                latency = at - paid
                self.hist[bisect.bisect_left(EDGES, latency)] += 1
                return latency
        return None

    def snapshot(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in _FIELDS}, "hist": self.hist,
                "first_time": self.first_time, "at": time.time()}

    def write(self, path: Path, *, force: bool = False) -> None:
        """Replace `path` with the snapshot (whole or absent), at most every SNAPSHOT_EVERY_S."""
        now = time.monotonic()
        if not force and now - self._written < SNAPSHOT_EVERY_S:
            return
        self._written = now
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.snapshot()), encoding="utf-8")
        os.replace(tmp, path)


def hist_percentile(hist: list[int], q: float) -> float | None:
    """The q-th percentile (0..100) of a histogram over EDGES: its bucket's upper edge."""
    total = sum(hist)
    if total == 0:
        return None
    rank, seen = math.ceil(q / 100 * total), 0
    for i, n in enumerate(hist):
        seen += n
        if seen >= rank:
            return round(EDGES[min(i, len(EDGES) - 1)], 4)
    return round(EDGES[-1], 4)


class ProgressTail:
    """The load's progress from the Locust processes' snapshots (or, with `on_op`, from every
    op of the history parts in `directory`)."""

    def __init__(self, directory: Path, window_s: float = 5.0, *,
                 on_op: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.directory = directory
        self.on_op = on_op        # every op read, as it is read (the stop-condition monitor)
        self.window_s = window_s
        self._offsets: dict[Path, int] = {}
        self._counts = ProgressCounts()
        self.latencies: list[float] = []
        self._recent: deque[float] = deque()          # delivery times (tail mode)
        self._rates: deque[tuple[float, int]] = deque()  # (when, delivered) (snapshot mode)

    def poll(self) -> dict[str, Any]:
        if self.on_op is not None:
            return self._poll_tail()
        total = {k: 0 for k in _FIELDS}
        hist = [0] * (len(EDGES) + 1)
        for part in self.directory.glob("progress-*.json"):
            try:
                snap = json.loads(part.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for k in _FIELDS:
                total[k] += int(snap.get(k) or 0)
            for i, n in enumerate(snap.get("hist") or []):
                if i < len(hist):
                    hist[i] += int(n)
        now = time.time()
        self._rates.append((now, total["delivered"]))
        while len(self._rates) > 1 and self._rates[0][0] < now - self.window_s:
            self._rates.popleft()
        then, before = self._rates[0]
        rate = (total["delivered"] - before) / (now - then) if now > then else 0.0
        return self._info(total, round(rate, 2), hist_percentile(hist, 50),
                          hist_percentile(hist, 99))

    @staticmethod
    def _info(total: dict[str, int], rate: float, p50: float | None,
              p99: float | None) -> dict[str, Any]:
        return {"orders_started": total["started"], "orders_paid": total["paid"],
                "orders_delivered": total["delivered"], "ops_failed": total["failed"],
                "ops_unknown": total["unknown"], "orders_per_s": rate,
                "p50_s": p50, "p99_s": p99}

    # -- tail mode: every op, for on_op --------------------------------------------
    def _poll_tail(self) -> dict[str, Any]:
        for part in sorted(self.directory.glob("history-*.jsonl")):
            self._read(part)
        now = time.time()
        while self._recent and self._recent[0] < now - self.window_s:
            self._recent.popleft()
        c = self._counts
        return self._info({k: getattr(c, k) for k in _FIELDS},
                          round(len(self._recent) / self.window_s, 2),
                          percentile(self.latencies, 50), percentile(self.latencies, 99))

    def _read(self, part: Path) -> None:
        offset = self._offsets.get(part, 0)
        try:
            with open(part, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
        except OSError:
            return
        end = chunk.rfind(b"\n")
        if end < 0:
            return
        self._offsets[part] = offset + end + 1
        for line in chunk[: end + 1].splitlines():
            try:
                self._feed(json.loads(line))
            except (ValueError, TypeError, AttributeError):
                continue

    def _feed(self, op: dict[str, Any]) -> None:
        if self.on_op is not None:
            self.on_op(op)
        kind, f = str(op.get("type")), str(op.get("f"))
        at = float(op.get("time", 0.0))
        latency = self._counts.feed(kind, f, op.get("value") or {}, at)
        if kind == "ok" and f == "await_delivery":
            self._recent.append(at)
        if latency is not None:
            self.latencies.append(latency)

    @property
    def first_time(self) -> float | None:
        return self._counts.first_time
