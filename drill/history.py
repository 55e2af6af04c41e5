"""history.jsonl: the run's record of what happened, one Jepsen-style `Op` a line.

The run owns one `HistoryWriter`. The conductor's actors do not touch the
file: the fault executor (process "nemesis") and the operator bot (process
"operator") publish ops on `Events.op_recorded`, and the writer, a listener,
appends them under one lock. Buyers run in Locust processes and record into
`load/history-<pid>.jsonl` (drill/load/op_recorder.py); `merge_histories`
folds those in exactly once, at collect, after every writer has stopped.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

from drill.events import Events
from drill.jsonl import read_jsonl

OpType = Literal["invoke", "ok", "fail", "info"]
OP_TYPES: tuple[OpType, ...] = ("invoke", "ok", "fail", "info")
HISTORY = "history.jsonl"

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(frozen=True, slots=True)
class Op:
    """One step of a process: `invoke`, then `ok`/`fail`, or `info` when the outcome is unknown."""

    process: str
    type: OpType
    f: str
    value: dict[str, Any] = field(hash=False, compare=False)
    time: float

    def __post_init__(self) -> None:
        if self.type not in OP_TYPES:
            raise ValueError(f"op type {self.type!r} is not one of {', '.join(OP_TYPES)}")

    def to_dict(self) -> dict[str, Any]:
        return {"process": self.process, "type": self.type, "f": self.f, "value": self.value,
                "time": self.time}

    def to_line(self) -> str:
        return _dumps(self.to_dict())

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Op:
        return cls(str(raw["process"]), cast(OpType, raw["type"]), str(raw["f"]),
                   dict(raw.get("value") or {}), float(raw["time"]))


class HistoryWriter:
    """Appends every op published on `events.op_recorded` to `run_dir/history.jsonl`."""

    def __init__(self, run_dir: Path, events: Events) -> None:
        self.path = run_dir / HISTORY
        self.events = events
        self._lock = threading.Lock()
        self._fh: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        self.count = 0
        events.op_recorded.add_listener(self.append)

    def append(self, *, op: Op) -> None:
        with self._lock:
            if self._fh is None:
                raise RuntimeError(f"{self.path} is closed: op {op} arrived after the run ended")
            self._fh.write(op.to_line() + "\n")
            self._fh.flush()
            self.count += 1

    def close(self) -> None:
        self.events.op_recorded.remove_listener(self.append)
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def merge_histories(history: Path, parts: list[Path]) -> int:
    """Fold the per-process `parts` into `history`, ordered by time and indexed; once, at collect.

    Only call this when no writer is open. A torn last line (a killed process)
    is skipped, not fatal. Returns the op count.
    """
    ops: list[dict[str, Any]] = list(read_jsonl(history) or [])
    for part in parts:
        ops.extend(read_jsonl(part) or [])
    ops.sort(key=lambda op: float(op.get("time", 0.0)))
    tmp = history.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for index, op in enumerate(ops):
            op["index"] = index
            fh.write(_dumps(op) + "\n")
    tmp.replace(history)
    return len(ops)


def count_ops(path: Path, *, type_: OpType, f: str) -> int:
    """How many ops of `path` have this type and function (parsed, not grepped)."""
    return sum(1 for op in read_jsonl(path) or [] if op.get("type") == type_ and op.get("f") == f)
