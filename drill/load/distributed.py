"""Locust master/worker plumbing inside the Locust processes: the master's port, shipped ops.

Why its own module: the locustfile says what buyers do; this says how a load
split over several Locust processes still leaves one history. Workers on this
box write `history-<pid>.jsonl` into the shared load directory themselves.
Workers on other machines (FAKA_DRILL_LOAD_SHIP=1) cannot: their recorder
ships each flushed batch to the master over Locust's own channel
(`runner.send_message`), and the master appends it to
`history-remote-<worker>.jsonl` (counts likewise), so LoadRun and the run's
collect see every worker's ops without a shared disk. The master also writes
`master.json` with the port it bound (`--master-bind-port 0`), the readiness
signal LoadRun waits for before it starts the local workers.

No Locust import: handlers get Locust's objects as arguments.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drill.load.progress import ProgressCounts

MASTER_FILE = "master.json"
OPS_MESSAGE = "faka_drill_ops"
COUNTS_MESSAGE = "faka_drill_counts"
SHIP_ENV = "FAKA_DRILL_LOAD_SHIP"


def ships_ops() -> bool:
    """True in a worker started on another machine (no shared load directory)."""
    return os.environ.get(SHIP_ENV, "0") == "1"


def is_master(runner: Any) -> bool:
    return runner is not None and hasattr(runner, "server") and hasattr(runner, "clients")


def _node_file(out_dir: str, prefix: str, node_id: Any, suffix: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(node_id))[:80] or "unknown"
    return Path(out_dir) / f"{prefix}-remote-{safe}{suffix}"


def on_master_init(runner: Any, out_dir: str) -> None:
    """On the master: receive shipped ops and counts, then announce the bound port."""
    if not is_master(runner):
        return
    progress: dict[str, ProgressCounts] = {}   # per remote worker: the conductor's live view

    def on_ops(environment: Any, msg: Any, **_: Any) -> None:
        lines = (msg.data or {}).get("lines") or []
        if lines:
            with open(_node_file(out_dir, "history", msg.node_id, ".jsonl"), "a",
                      encoding="utf-8") as fh:
                fh.write("\n".join(str(line) for line in lines) + "\n")
            _count(progress.setdefault(str(msg.node_id), ProgressCounts()), lines,
                   _node_file(out_dir, "progress", msg.node_id, ".json"))

    def on_counts(environment: Any, msg: Any, **_: Any) -> None:
        if str(msg.node_id) in progress:      # the worker ended: its last snapshot, whole
            progress[str(msg.node_id)].write(_node_file(out_dir, "progress", msg.node_id,
                                                        ".json"), force=True)
        _node_file(out_dir, "counts", msg.node_id, ".json").write_text(
            json.dumps(msg.data or {}), encoding="utf-8")

    runner.register_message(OPS_MESSAGE, on_ops)
    runner.register_message(COUNTS_MESSAGE, on_counts)
    path = Path(out_dir) / MASTER_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"port": int(runner.server.port), "pid": os.getpid()}),
                   encoding="utf-8")
    tmp.replace(path)  # whole or absent: LoadRun never reads half a file


def _count(counts: ProgressCounts, lines: list[Any], path: Path) -> None:
    """Feed shipped op lines to a remote worker's progress and write its snapshot."""
    for line in lines:
        try:
            op = json.loads(line)
            counts.feed(str(op["type"]), str(op["f"]), op.get("value") or {}, float(op["time"]))
        except (ValueError, TypeError, KeyError):
            continue
    counts.write(path)


def shipper(runner: Any) -> Callable[[list[str]], None]:
    """A recorder sink that sends each batch of op lines to the master."""

    def ship(lines: list[str]) -> None:
        runner.send_message(OPS_MESSAGE, {"lines": lines})

    return ship


def ship_counts(runner: Any, counts: dict[str, int]) -> None:
    runner.send_message(COUNTS_MESSAGE, counts)
