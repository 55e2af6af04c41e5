"""Baselines for `compare` and `suite --baseline`: which earlier run a new run is held against.

A baseline is named in one of two ways (`suite TAG --baseline BASE`):
- a reports folder (a path that exists): the newest run of the same scenario
  in it — by its `index.jsonl` when there is one, else by the `summary.json`
  of each run folder in it;
- a git revision or tag (anything else): the newest line of the scenario in
  the current reports folder's `index.jsonl` whose `git_revision` is that name,
  or what `git describe --always` makes of it (with or without `-dirty`).
Only judged runs of the clean service (a summary with metrics, no defect) can
be baselines.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drill.errors import DrillError
from drill.report.trends import key_metrics, read_index

__all__ = ["Baseline", "find_baseline", "read_summary", "revision_names"]


@dataclass(frozen=True, slots=True)
class Baseline:
    where: str                      # the run folder, or "index line <run_id> @ <revision>"
    metrics: dict[str, float]


def read_summary(run_dir: Path) -> dict[str, Any]:
    """summary.json of a judged run folder; a usage error naming the folder otherwise."""
    path = run_dir / "summary.json"
    if not run_dir.is_dir():
        raise DrillError(f"{run_dir} is not a folder", hint="pass run folders (reports/<run-id>)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DrillError(f"{path} cannot be read: {exc}",
                         hint=f"judge the run first: harness.py check {run_dir}") from None
    if not isinstance(data, dict):
        raise DrillError(f"{path} is not a summary object", hint="is it a faka-drill run folder?")
    return data


def _newest(records: Iterable[Mapping[str, Any]], scenario: str) -> Mapping[str, Any] | None:
    mine = [r for r in records if r.get("scenario") == scenario and r.get("metrics")
            and not r.get("defects")]              # a zoo run is no baseline
    return max(mine, key=lambda r: float(r.get("started_at") or 0), default=None)


def _folder_records(folder: Path) -> list[dict[str, Any]]:
    """Index-like records from the run folders in `folder` (no index.jsonl there)."""
    out = []
    for summary_path in sorted(folder.glob("*/summary.json")):
        try:
            s = read_summary(summary_path.parent)
        except DrillError:
            continue
        out.append({"scenario": s.get("scenario"), "started_at": s.get("started_at"),
                    "defects": s.get("defects"), "run_dir": summary_path.parent.name,
                    "metrics": key_metrics(s)})
    return out


def revision_names(name: str, root: Path) -> set[str]:
    """`name` and git's short description of it, with and without '-dirty'."""
    names = {name}
    try:
        done = subprocess.run(["git", "-C", str(root), "describe", "--always", name],
                              capture_output=True, text=True, timeout=5, check=True)
        names.add(done.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return names | {f"{n}-dirty" for n in names if n}


def find_baseline(base: str, scenario: str, reports: Path, root: Path) -> Baseline | None:
    """The baseline run of `scenario` that `base` names (module docstring); None if none."""
    folder = Path(base)
    if folder.is_dir():
        records: list[dict[str, Any]] = read_index(folder) or _folder_records(folder)
        where = str(folder)
    else:
        names = revision_names(base, root)
        records = [r for r in read_index(reports) if r.get("git_revision") in names]
        where = f"{reports}/index.jsonl at {base}"
    found = _newest(records, scenario)
    if found is None:
        return None
    return Baseline(f"{where}: {found.get('run_dir')}", dict(found.get("metrics") or {}))
