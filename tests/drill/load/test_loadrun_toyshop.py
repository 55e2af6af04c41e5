"""LoadRun end to end against a real HTTP server (tests/drill/load/toyshop.py) on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.history import merge_histories
from drill.load import LoadPlan, LoadRun
from drill.load.buyer import on_grid
from runtime import ManagedProcess


def _ops(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "history.jsonl").read_text().splitlines()]


def _check_well_formed(ops: list[dict]) -> None:
    """Every op has the §7 fields; per process each invoke is followed by its completion."""
    pending: dict[str, str] = {}
    for op in ops:
        assert set(op) >= {"process", "type", "f", "value", "time", "index"}
        assert op["type"] in {"invoke", "ok", "fail", "info"}
        if op["type"] == "invoke":
            assert op["process"] not in pending, op
            pending[op["process"]] = op["f"]
        else:
            assert pending.pop(op["process"]) == op["f"], op
    assert not pending, f"invokes without completion: {pending}"


def _run(plan: LoadPlan, run_dir: Path) -> LoadRun:
    run = LoadRun(plan, run_dir)
    run.start()
    assert run.wait(plan.hard_deadline_s + 10)
    merge_histories(run_dir / "history.jsonl", run.history_parts())   # the run's collect step
    return run


def test_closed_model_orders_complete(shop: ManagedProcess, tmp_path: Path) -> None:
    plan = LoadPlan(service_url=shop.url, gateway_url=shop.url, products=("p1", "never"),
                    users=4, spawn_rate=100, duration_s=2, poll_timeout_s=0.5,
                    poll_interval_s=0.05, max_orders=40)
    run = _run(plan, tmp_path)
    ops = _ops(tmp_path)
    _check_well_formed(ops)
    done = [o for o in ops if o["f"] == "fetch_card" and o["type"] == "ok"]
    timeouts = [o for o in ops if o["f"] == "await_delivery" and o["type"] == "info"]
    assert done and all(o["value"]["cards"] == [f"CARD-{o['value']['order_no']}"] for o in done)
    assert timeouts, "product 'never' is never delivered: the poll timeout must be an info op"
    load = json.loads((tmp_path / "load.json").read_text())
    invokes = [o for o in ops if o["f"] == "create_order" and o["type"] == "invoke"]
    assert load["started"] == len(invokes)
    assert load["started"] <= 40 and load["model"] == "closed" and not load["killed"]
    assert load["locust_stats"]["create_order"]["requests"] == load["started"]
    prog = run.progress()
    assert prog["orders_started"] == load["started"]


def test_open_model_keeps_the_schedule(shop: ManagedProcess, tmp_path: Path) -> None:
    plan = LoadPlan(service_url=shop.url, gateway_url=shop.url, products=("p1",),
                    shape="flash_sale", rate=20, peak_multiplier=5, spike_at_s=1, spike_for_s=1,
                    duration_s=3, poll_timeout_s=2, poll_interval_s=0.05)
    _run(plan, tmp_path)
    ops = _ops(tmp_path)
    _check_well_formed(ops)
    load = json.loads((tmp_path / "load.json").read_text())
    assert load["model"] == "open"
    assert load["planned_arrivals"] == pytest.approx(20 + 100 + 20, abs=1)
    assert load["started"] + load["dropped"] == load["planned_arrivals"]
    invokes = [o for o in ops if o["f"] == "create_order" and o["type"] == "invoke"]
    lag = [o["time"] - o["value"]["intended_at"] for o in invokes]
    assert max(lag) < 0.5, "arrivals must start on schedule"
    early = [o for o in invokes if o["time"] < on_grid(o["value"]["intended_at"]) - 1e-6]
    assert not early, "arrivals start together on the 10 ms grid, never before their boundary"
    delivered = [o for o in ops if o["f"] == "await_delivery" and o["type"] == "ok"]
    assert len(delivered) == load["started"]
