"""Live progress from the per-process history files, read incrementally.

The conductor's console asks `LoadRun.progress()` about once a second; this
tails each history-<pid>.jsonl from where it stopped last time, so the cost is
proportional to new ops only. Paid→delivered is measured buyer-side here
(pay ok → await_delivery ok); the oracle later uses the gateway's paid time.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drill.percentile import percentile


class ProgressTail:
    """Accumulates counts and latencies from history parts in `directory`."""

    def __init__(self, directory: Path, window_s: float = 5.0, *,
                 on_op: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.directory = directory
        self.on_op = on_op        # every op read, as it is read (the stop-condition monitor)
        self.window_s = window_s
        self._offsets: dict[Path, int] = {}
        self._paid_at: dict[str, float] = {}
        self.started = 0
        self.paid = 0
        self.delivered = 0
        self.failed = 0
        self.unknown = 0
        self.latencies: list[float] = []
        self._recent: deque[float] = deque()
        self.first_time: float | None = None

    def poll(self) -> dict[str, Any]:
        for part in sorted(self.directory.glob("history-*.jsonl")):
            self._read(part)
        now = time.time()
        while self._recent and self._recent[0] < now - self.window_s:
            self._recent.popleft()
        return {
            "orders_started": self.started,
            "orders_paid": self.paid,
            "orders_delivered": self.delivered,
            "ops_failed": self.failed,
            "ops_unknown": self.unknown,
            "orders_per_s": round(len(self._recent) / self.window_s, 2),
            "p50_s": percentile(self.latencies, 50),
            "p99_s": percentile(self.latencies, 99),
        }

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
        kind, f, value = op.get("type"), op.get("f"), op.get("value") or {}
        at = float(op.get("time", 0.0))
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
            self._recent.append(at)
            paid = self._paid_at.pop(str(value.get("order_no")), None)
            if paid is not None:
                self.latencies.append(at - paid)
