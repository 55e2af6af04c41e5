"""Nightly trends: index lines, regressions against a baseline, the offline index page."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from drill.report.index_page import render_index, write_index_page
from drill.report.trends import (
    append_index,
    compare,
    index_record,
    key_metrics,
    read_index,
)


def summary(p99: float, rate: float, *, verdict: str = "pass", errors: float = 0.0,
            calls: int = 100, scenario: str = "smoke") -> dict[str, Any]:
    return {
        "run_id": f"{scenario}-{p99}", "scenario": scenario, "seed": 7, "verdict": verdict,
        "started_at": 1_800_000_000.0, "defects": [],
        "metrics": {"delivery_p99_s": p99, "delivery_p95_s": p99 / 2, "orders_per_s": rate,
                    "error_rate": errors, "orders_delivered": 100, "orders_created": 100},
        "checks": [{"id": "retries", "counts": {"max_attempts": 2, "supplier_calls": calls}}],
    }


def test_key_metrics_reads_the_summary_and_drops_what_is_missing() -> None:
    m = key_metrics(summary(0.4, 50.0, calls=150))
    assert m == {"delivery_p99_s": 0.4, "delivery_p95_s": 0.2, "orders_per_s": 50.0,
                 "error_rate": 0.0, "max_attempts": 2.0, "supplier_calls_per_order": 1.5}
    s = summary(0.4, 50.0)
    s["metrics"]["delivery_p99_s"] = None
    s["metrics"]["orders_per_s"] = float("nan")
    assert "delivery_p99_s" not in key_metrics(s) and "orders_per_s" not in key_metrics(s)


def test_a_slower_run_is_a_regression_and_a_faster_one_is_not() -> None:
    base = key_metrics(summary(0.5, 100.0))
    worse = compare(base, key_metrics(summary(0.9, 70.0)), tolerance=0.2)
    assert {r.metric for r in worse} == {"delivery_p99_s", "delivery_p95_s", "orders_per_s"}
    assert "0.5 -> 0.9" in str(next(r for r in worse if r.metric == "delivery_p99_s"))
    assert compare(base, key_metrics(summary(0.3, 130.0)), tolerance=0.2) == []


def test_tiny_absolute_changes_are_not_regressions() -> None:
    base = key_metrics(summary(0.004, 100.0))
    assert compare(base, key_metrics(summary(0.006, 100.0)), tolerance=0.2) == []


def test_error_rate_from_zero_is_a_regression() -> None:
    base = key_metrics(summary(0.5, 100.0, errors=0.0))
    found = compare(base, key_metrics(summary(0.5, 100.0, errors=0.05)))
    assert [r.metric for r in found] == ["error_rate"]


def test_index_lines_stay_whole_when_runs_end_together(tmp_path: Path) -> None:
    def write(i: int) -> None:
        for j in range(50):
            record = index_record(summary(i + j / 100, 10.0), tmp_path / f"r{i}", "abc")
            append_index(tmp_path, record)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert all(json.loads(line)["git_revision"] == "abc" for line in lines)


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    append_index(tmp_path, index_record(summary(0.5, 10.0), tmp_path / "r1", None))
    with open(tmp_path / "index.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"scenario": "smo')
    assert [r["run_dir"] for r in read_index(tmp_path)] == ["r1"]


def test_index_page_lists_runs_and_draws_a_trend_per_scenario(tmp_path: Path) -> None:
    for i, (p99, verdict) in enumerate([(0.2, "pass"), (0.9, "fail"), (0.3, "pass")]):
        append_index(tmp_path, index_record(summary(p99, 20.0 + i, verdict=verdict),
                                            tmp_path / f"run-{i}", "rev1"))
    append_index(tmp_path, index_record(summary(0.1, 5.0, scenario="flash-sale"),
                                        tmp_path / "run-fs", "rev1"))
    page = write_index_page(tmp_path).read_text(encoding="utf-8")
    assert page.count("<svg") == 1              # smoke has 3 runs; flash-sale only 1
    assert 'href="run-2/report.html"' in page and 'href="run-fs/report.html"' in page
    assert page.index("run-fs") < page.index("run-0")    # newest first
    assert not re.search(r'(src|href)="(https?:)?//', page)   # nothing to fetch: offline


def test_index_page_escapes_what_it_shows() -> None:
    rec = index_record(summary(0.2, 1.0, scenario="<script>x</script>"), Path("r"), None)
    assert "<script>x" not in render_index([rec])
