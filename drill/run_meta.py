"""The run folder's name and its meta.json: what ran, when, where, and how it ended."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drill.errors import DrillError
from drill.stack.credentials import secret_digests

if TYPE_CHECKING:
    from drill.run import Run


def new_run_dir(out: Path, name: str) -> Path:
    """`out/<stamp>-<name>[-n]`, created; never reuses a folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = out / f"{stamp}-{name}" if n == 0 else out / f"{stamp}-{name}-{n}"
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise DrillError(f"cannot create a run folder under {out}", hint="clean up old runs")


def run_meta(run: Run, now: float) -> dict[str, Any]:
    """meta.json of `run` as of `now` (CONTRACTS §8); rewritten at every phase change."""
    scenario, stack = run.scenario, run.stack
    pids = {n: p.pid for n, p in stack.components.items()}
    if run.load is not None and run.load.popen is not None:
        pids["locust"] = run.load.popen.pid
    return {
        "run_id": run.run_dir.name, "scenario": scenario.name,
        "title": scenario.title, "tags": list(scenario.tags),
        "seed": scenario.seed, "time_scale": scenario.time_scale,
        "db": stack.db_kind,
        "toxiproxy": {k: v for k, v in stack.toxiproxy_info.items() if k != "binary"},
        "defects": sorted(set(scenario.service.defects) | set(run.opts.defects)),
        "started_at": run.started_at, "ended_at": now,
        "wall_s": round(now - run.started_at, 3), "phases": run.phases,
        "interrupted": run.interrupted, "interrupted_phase": run.interrupted_phase,
        "errors": run.errors, "harness_errors": run.harness_errors, "drain": run.drain,
        "health": {"watched": run.watch.health is not None,
                   "unplanned_exits": [e.to_dict() for e in run.watch.unplanned]},
        "urls": stack.urls(), "pid": os.getpid(), "pids": pids,
        "secret_digests": secret_digests(gateway_key=run.opts.world.key,
                                         target_options=run.opts.target_options),
    }
