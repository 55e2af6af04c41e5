"""Locust master/worker: two worker processes split the open-model arrivals exactly, and
their histories merge into one with every order exactly once (against the toy shop)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from drill.load import LoadPlan
from drill.load.distributed import SHIP_ENV
from drill.load.plan import arrival_offsets, planned_arrivals
from runtime import ManagedProcess
from tests.drill.load.test_loadrun_toyshop import _check_well_formed, _ops, _run


def _plan(shop: ManagedProcess) -> LoadPlan:
    return LoadPlan(service_url=shop.url, gateway_url=shop.url, products=("p1",),
                    shape="arrival_rate", rate=30, duration_s=2, poll_timeout_s=2,
                    poll_interval_s=0.05, workers=2, users=40)


def _assert_split_exactly(plan: LoadPlan, run_dir: Path) -> list[dict]:
    ops = _ops(run_dir)
    _check_well_formed(ops)
    load = json.loads((run_dir / "load.json").read_text())
    assert (load["mode"], load["processes"]) == ("master/worker", 2)
    assert not load["killed"] and load["exit_code"] == 0
    invokes = [o for o in ops if o["f"] == "create_order" and o["type"] == "invoke"]
    created = Counter(o["value"]["order_no"] for o in ops
                      if o["f"] == "create_order" and o["type"] == "ok")
    assert created and max(created.values()) == 1, "every order exactly once"
    assert len(created) == len(invokes) == load["started"]
    assert load["started"] + load["dropped"] == load["planned_arrivals"] == planned_arrivals(plan)
    intended = sorted(o["value"]["intended_at"] for o in invokes)
    offsets = [t - intended[0] for t in intended]
    want = arrival_offsets(plan)
    assert offsets == pytest.approx([t - want[0] for t in want], abs=0.25), \
        "the two workers' arrivals interleave into the planned stream"
    by_worker = Counter(o["process"].split("-")[1] for o in invokes)
    assert sorted(by_worker.values()) == [len(want) // 2, len(want) - len(want) // 2]
    return ops


def test_two_local_workers_split_the_arrivals(shop: ManagedProcess, tmp_path: Path) -> None:
    plan = _plan(shop)
    run = _run(plan, tmp_path)
    assert len(run.workers) == 2 and all(w.returncode == 0 for w in run.workers)
    assert len(run.history_parts()) == 2, "each worker wrote its own history part"
    _assert_split_exactly(plan, tmp_path)


def test_workers_without_a_shared_disk_ship_ops_to_the_master(
        shop: ManagedProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SHIP_ENV, "1")  # as on another machine: ops travel over Locust's channel
    plan = _plan(shop)
    run = _run(plan, tmp_path)
    parts = run.history_parts()
    assert len(parts) == 2 and all(p.name.startswith("history-remote-") for p in parts)
    assert len(list((tmp_path / "load").glob("counts-remote-*.json"))) == 2
    _assert_split_exactly(plan, tmp_path)
