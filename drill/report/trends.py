"""Nightly trends: one index line a run, and regressions between a baseline and a run.

`reports/index.jsonl` gets one line per run (scenario, seed, verdict, the key
metrics, git revision), so a nightly job can see a shop getting slower long
before a drill goes red. `compare` is pure: two index records (or summaries)
in, a list of `Regression`s out; the CLI turns a non-empty list into exit 1.
"""

from __future__ import annotations

import fcntl
import json
import math
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from drill.jsonl import read_jsonl

INDEX_NAME = "index.jsonl"
DEFAULT_TOLERANCE = 0.2

# metric -> which way is worse; and the smallest change that counts at all, so
# 0.004 s -> 0.006 s on an idle box is not a "50 % regression".
Direction = Literal["higher_is_worse", "lower_is_worse"]
TRACKED: dict[str, tuple[Direction, float]] = {
    "delivery_p99_s": ("higher_is_worse", 0.05),
    "delivery_p95_s": ("higher_is_worse", 0.05),
    "orders_per_s": ("lower_is_worse", 1.0),
    "error_rate": ("higher_is_worse", 0.005),
    "max_attempts": ("higher_is_worse", 1.0),
    "supplier_calls_per_order": ("higher_is_worse", 0.1),
}

__all__ = ["DEFAULT_TOLERANCE", "INDEX_NAME", "TRACKED", "Regression", "append_index",
           "compare", "git_revision", "index_record", "read_index"]


@dataclass(frozen=True, slots=True)
class Regression:
    metric: str
    base: float
    run: float
    change: float          # relative change in the worse direction, 0.35 = 35 % worse

    def __str__(self) -> str:
        return (f"{self.metric}: {self.base:g} -> {self.run:g} "
                f"({self.change:+.0%} worse than the baseline)")


def _check_counts(summary: Mapping[str, Any], check_id: str) -> Mapping[str, Any]:
    for check in summary.get("checks") or []:
        if check.get("id") == check_id:
            return check.get("counts") or {}
    return {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def key_metrics(summary: Mapping[str, Any]) -> dict[str, float]:
    """The tracked figures of one run's summary.json (missing ones left out)."""
    metrics = summary.get("metrics") or {}
    retries = _check_counts(summary, "retries")
    delivered = _number(metrics.get("orders_delivered")) or 0.0
    calls = _number(retries.get("supplier_calls"))
    raw: dict[str, Any] = {
        "delivery_p99_s": metrics.get("delivery_p99_s"),
        "delivery_p95_s": metrics.get("delivery_p95_s"),
        "orders_per_s": metrics.get("orders_per_s"),
        "error_rate": metrics.get("error_rate"),
        "max_attempts": retries.get("max_attempts"),
        "supplier_calls_per_order": calls / delivered if calls is not None and delivered else None,
    }
    return {k: n for k, v in raw.items() if (n := _number(v)) is not None}


def index_record(summary: Mapping[str, Any], run_dir: Path, revision: str | None) -> dict[str, Any]:
    """One line of reports/index.jsonl for a judged run."""
    metrics = summary.get("metrics") or {}
    return {
        "run_id": summary.get("run_id") or run_dir.name,
        "run_dir": run_dir.name,
        "scenario": summary.get("scenario"),
        "seed": summary.get("seed"),
        "verdict": summary.get("verdict"),
        "started_at": summary.get("started_at"),
        "wall_s": summary.get("wall_s"),
        "defects": list(summary.get("defects") or []),
        "db": summary.get("db"),
        "git_revision": revision,
        "orders_created": metrics.get("orders_created"),
        "orders_delivered": metrics.get("orders_delivered"),
        "metrics": key_metrics(summary),
    }


def append_index(reports_dir: Path, record: Mapping[str, Any]) -> Path:
    """Append one line; an exclusive lock keeps lines whole when runs end together."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / INDEX_NAME
    line = json.dumps(record, ensure_ascii=False, default=str, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.write(line)
            fh.flush()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return path


def read_index(reports_dir: Path) -> list[dict[str, Any]]:
    """Every whole line of the index, oldest first (a torn last line is skipped)."""
    return read_jsonl(reports_dir / INDEX_NAME) or []


def git_revision(root: Path) -> str | None:
    """The checkout's commit (with '-dirty' for local changes), or None outside git."""
    try:
        rev = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return rev.stdout.strip() or None


def _worse_by(direction: Direction, base: float, run: float) -> float:
    delta = run - base if direction == "higher_is_worse" else base - run
    return delta / abs(base) if base else (math.inf if delta > 0 else 0.0)


def compare(base: Mapping[str, float], run: Mapping[str, float],
            tolerance: float = DEFAULT_TOLERANCE,
            metrics: Iterable[str] = TRACKED) -> list[Regression]:
    """Metrics that got worse by more than `tolerance` (relative) and the metric's floor."""
    out: list[Regression] = []
    for name in metrics:
        if name not in base or name not in run:
            continue
        direction, floor = TRACKED[name]
        b, r = base[name], run[name]
        if abs(r - b) < floor:
            continue
        change = _worse_by(direction, b, r)
        if change > tolerance:
            out.append(Regression(name, b, r, change))
    return out
