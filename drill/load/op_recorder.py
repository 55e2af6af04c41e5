"""Op recording inside a Locust process: one cheap JSONL file per process, merged at collect.

Why its own module: the locustfile must stay about *what buyers do*; this is
*how what they saw is kept*. Writes go to an in-memory list and are flushed
every `flush_every` ops or when `flush()` is called (the locustfile flushes on
a timer and at quit), so the file is current within a fraction of a second
without a syscall per op. Lines are the same JSON objects `Op.to_line` writes
(same keys, same order, byte for byte but for the zero padding of a tiny
float's exponent: 1e-7, not 1e-07, the same number), encoded with orjson:
~1 µs an op instead of ~5, about ten ops an order (bench/harness_cost.py).
No Locust import.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson

from drill.history import OP_TYPES, Op, OpType
from drill.load.progress import ProgressCounts

_OPTS = orjson.OPT_NON_STR_KEYS


def op_line(process: str, type_: OpType, f: str, value: dict[str, Any], when: float) -> str:
    """One history line, as `Op(...).to_line()` writes it; a value orjson refuses (an int
    over 64 bits, a lone surrogate) goes through `Op.to_line` itself."""
    if type_ not in OP_TYPES:
        raise ValueError(f"op type {type_!r} is not one of {', '.join(OP_TYPES)}")
    try:
        return orjson.dumps({"process": process, "type": type_, "f": f, "value": value,
                             "time": when}, option=_OPTS).decode()
    except TypeError:
        return Op(process, type_, f, value, when).to_line()


class OpRecorder:
    """Appends `Op`s to `dir/history-<pid>.jsonl` (drill.history.merge_histories folds it in),
    or hands each flushed batch of lines to `sink` (a worker on another machine ships them to
    the Locust master: drill/load/distributed.py)."""

    def __init__(self, directory: str | Path, *, flush_every: int = 256,
                 sink: Callable[[list[str]], None] | None = None) -> None:
        self.path = Path(directory) / f"history-{os.getpid()}.jsonl"
        self.progress_path = Path(directory) / f"progress-{os.getpid()}.json"
        self.progress = ProgressCounts()   # the conductor's live view: no op parsing there
        self.flush_every = flush_every
        self.sink = sink
        self._buf: list[str] = []
        self._fh: IO[str] | None = None

    def op(self, process: str, type_: OpType, f: str, value: dict[str, Any],
           at: float | None = None) -> None:
        when = time.time() if at is None else at
        self._buf.append(op_line(process, type_, f, value, when))
        self.progress.feed(type_, f, value, when)
        if len(self._buf) >= self.flush_every:
            self.flush()

    def flush(self, *, final: bool = False) -> None:
        if self.sink is None and (self._buf or final):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.progress.write(self.progress_path, force=final)
        if not self._buf:
            return
        if self.sink is not None:
            lines, self._buf = self._buf, []
            self.sink(lines)
            return
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - long-lived
        lines, self._buf = self._buf, []
        self._fh.write("\n".join(lines) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self.flush(final=True)
        if self._fh is not None:
            self._fh.close()
            self._fh = None

