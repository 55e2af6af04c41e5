"""The conductor's live progress comes from per-process snapshots, not from parsing every op."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.load.op_recorder import OpRecorder
from drill.load.progress import ProgressTail, hist_percentile


def _flow(rec: OpRecorder, n: int, t0: float, latency: float) -> None:
    for i in range(n):
        no, p = f"o{i}", f"buyer-{i}"
        rec.op(p, "invoke", "create_order", {"product_id": "x"}, at=t0)
        rec.op(p, "ok", "create_order", {"order_no": no}, at=t0)
        rec.op(p, "invoke", "pay", {"order_no": no}, at=t0)
        rec.op(p, "ok", "pay", {"order_no": no}, at=t0 + 0.01)
        rec.op(p, "invoke", "await_delivery", {"order_no": no}, at=t0 + 0.01)
        rec.op(p, "ok", "await_delivery", {"order_no": no}, at=t0 + 0.01 + latency)


def test_snapshot_counts_match_the_ops_and_latency_is_close(tmp_path: Path) -> None:
    rec = OpRecorder(tmp_path)
    _flow(rec, 40, 1000.0, 0.2)
    rec.op("buyer-x", "invoke", "create_order", {"product_id": "x"}, at=1001.0)
    rec.op("buyer-x", "info", "create_order", {"error": "timeout"}, at=1002.0)
    rec.close()
    snaps = list(tmp_path.glob("progress-*.json"))
    assert len(snaps) == 1 and json.loads(snaps[0].read_text())["delivered"] == 40
    info = ProgressTail(tmp_path).poll()
    assert (info["orders_started"], info["orders_paid"], info["orders_delivered"],
            info["ops_unknown"]) == (41, 40, 40, 1)
    assert info["p50_s"] == pytest.approx(0.2, rel=0.2)   # a histogram bucket's edge
    # the tail mode (stop conditions) reads the very same figures from the ops themselves
    seen: list[dict[str, object]] = []
    tail = ProgressTail(tmp_path, on_op=seen.append).poll()
    assert len(seen) == 40 * 6 + 2
    assert tail["orders_delivered"] == 40 and tail["p50_s"] == pytest.approx(0.2, abs=1e-6)


def test_snapshots_of_several_processes_add_up(tmp_path: Path) -> None:
    for pid in (11, 12):
        counts = {"started": 5, "paid": 4, "delivered": 3, "failed": 1, "unknown": 0,
                  "hist": [0, 3], "first_time": 1.0, "at": 2.0}
        (tmp_path / f"progress-{pid}.json").write_text(json.dumps(counts))
    (tmp_path / "progress-13.json").write_text("{torn")      # unreadable: skipped
    info = ProgressTail(tmp_path).poll()
    assert info["orders_started"] == 10 and info["orders_delivered"] == 6
    assert info["ops_failed"] == 2


def test_histogram_percentile() -> None:
    assert hist_percentile([0, 0, 0], 99) is None
    assert hist_percentile([10, 0, 0, 1], 50) == 0.001
    assert hist_percentile([10, 0, 0, 1], 100) == pytest.approx(0.001 * 1.2 ** 3, rel=0.05)
