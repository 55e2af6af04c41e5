"""Jepsen-style op recording for buyer flows: one cheap JSONL file per process.

Why its own module: the locustfile must stay about *what buyers do*; this is
*how what they saw is kept*. Writes go to an in-memory list and are flushed
every `flush_every` ops or when `flush()` is called (the locustfile flushes on
a timer and at quit), so the file is current within a fraction of a second
without a syscall per op. No Locust import.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import IO, Any

from drill.jsonl import read_jsonl

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class HistoryWriter:
    """Appends ops `{"process","type","f","value","time"}` to `dir/history-<pid>.jsonl`."""

    def __init__(self, directory: str | Path, *, flush_every: int = 256) -> None:
        self.path = Path(directory) / f"history-{os.getpid()}.jsonl"
        self.flush_every = flush_every
        self._buf: list[str] = []
        self._fh: IO[str] | None = None

    def op(self, process: str, type_: str, f: str, value: dict[str, Any],
           at: float | None = None) -> None:
        self._buf.append(
            _dumps({"process": process, "type": type_, "f": f, "value": value,
                    "time": time.time() if at is None else at})
        )
        if len(self._buf) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if not self._buf:
            return
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - long-lived
        lines, self._buf = self._buf, []
        self._fh.write("\n".join(lines) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self.flush()
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def merge_histories(parts: list[Path], out: Path, extra: list[dict[str, Any]] | None = None) -> int:
    """Merge per-process files (plus `extra` ops) into one file ordered by time.

    A torn last line (a killed process) is skipped, not fatal. Returns the op count.
    """
    ops: list[dict[str, Any]] = list(extra or [])
    for part in parts:
        ops.extend(read_jsonl(part) or [])
    ops.sort(key=lambda op: float(op.get("time", 0.0)))
    tmp = out.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for index, op in enumerate(ops):
            op["index"] = index
            fh.write(_dumps(op) + "\n")
    tmp.replace(out)
    return len(ops)
