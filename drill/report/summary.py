"""summary.json: the machine-readable result of one run (verdict, checks, metrics, faults).

Built from the run folder plus the verdicts; tolerant of missing files so an
interrupted run still gets a (partial) summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drill.checks.metrics import compute_metrics
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict
from drill.report.requests import request_table


def fault_windows(src: Sources) -> list[dict[str, Any]]:
    """Pair faults.jsonl inject/heal records by fault_id: {fault_id, kind, target, start, end}."""
    out: dict[str, dict[str, Any]] = {}
    for f in src.faults or []:
        fid = str(f.get("fault_id") or f"{f.get('kind')}@{f.get('target')}")
        w = out.setdefault(fid, {"fault_id": fid, "kind": f.get("kind"), "target": f.get("target"),
                                 "start": None, "end": None, "params": f.get("params") or {},
                                 "ok": True, "errors": []})
        if f.get("action") == "inject":
            w["start"] = f.get("at")
        elif f.get("action") == "heal":
            w["end"] = f.get("at")
        if f.get("ok") is False:
            w["ok"] = False
            w["errors"].append(f.get("error"))
    return sorted(out.values(), key=lambda w: w["start"] or 0)


def build_summary(run_dir: Path, verdicts: list[Verdict], spec: CheckSpec, src: Sources, *,
                  overall: str, reasons: list[str], interrupted: bool) -> dict[str, Any]:
    """The summary of a judged run; `overall` and `reasons` come from drill.analyze."""
    meta = src.meta
    try:
        metrics: dict[str, Any] = compute_metrics(src)
    except Exception as exc:
        metrics = {"error": repr(exc)}
    return {
        "run_id": meta.get("run_id") or run_dir.name,
        "scenario": meta.get("scenario"),
        "title": meta.get("title"),
        "seed": meta.get("seed"),
        "time_scale": meta.get("time_scale", spec.time_scale),
        "db": meta.get("db"),
        "defects": meta.get("defects", []),
        "verdict": overall,
        "inconclusive": reasons,
        "interrupted": interrupted,
        "wall_s": meta.get("wall_s"),
        "started_at": meta.get("started_at"),
        "ended_at": meta.get("ended_at"),
        "checks": [{"id": v.id, "ok": v.ok, "status": v.status, "detail": v.detail,
                    "detail_msg": v.detail_msg, "examples": v.examples, "counts": v.counts}
                   for v in verdicts],
        "thresholds": [str(t) for t in spec.thresholds],
        "metrics": metrics,
        "faults": fault_windows(src),
        "toxiproxy": meta.get("toxiproxy"),
        "load": {k: v for k, v in (src.load or {}).items() if k != "plan"},
        "requests": [row.to_dict() for row in request_table(src.history)],
        "collect_errors": (src.collect_errors or {}).get("errors", {}),
        "errors": meta.get("errors", []),
        "missing": [name for name, value in (("history.jsonl", src.history),
                                             ("export.json", src.export),
                                             ("gateway ledger", src.payments),
                                             ("sink ledger", src.messages),
                                             ("load.json", src.load)) if value is None],
    }
