"""Condense Locust's --json-file output into the small dict load.json carries.

Locust writes one entry per request name with a bucketed `response_times`
histogram; the report wants counts, failure counts, rate and percentiles per
name, not the raw histogram. No Locust import (the file is plain JSON).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _hist_percentile(hist: dict[str, int], q: float) -> float | None:
    total = sum(hist.values())
    if total <= 0:
        return None
    need = q / 100.0 * total
    seen = 0
    for key in sorted(hist, key=float):
        seen += hist[key]
        if seen >= need:
            return float(key)
    return float(max(hist, key=float))


def summarise_locust_stats(path: Path) -> dict[str, Any]:
    """{name: {method, requests, failures, rps, avg_ms, p50_ms, p95_ms, p99_ms, max_ms}}."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, Any] = {}
    for e in entries if isinstance(entries, list) else []:
        n = int(e.get("num_requests", 0))
        span = float(e.get("last_request_timestamp") or 0) - float(e.get("start_time") or 0)
        hist = {str(k): int(v) for k, v in (e.get("response_times") or {}).items()}
        out[str(e.get("name"))] = {
            "method": e.get("method"),
            "requests": n,
            "failures": int(e.get("num_failures", 0)),
            "rps": round(n / span, 2) if span > 0 else None,
            "avg_ms": round(float(e.get("total_response_time", 0)) / n, 2) if n else None,
            "p50_ms": _hist_percentile(hist, 50),
            "p95_ms": _hist_percentile(hist, 95),
            "p99_ms": _hist_percentile(hist, 99),
            "max_ms": e.get("max_response_time"),
        }
    return out
