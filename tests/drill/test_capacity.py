"""Capacity planning: the step plan (pure) and one real step end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drill.capacity import MAX_STEPS, at_rate, plan_rates
from drill.errors import DrillError
from drill.scenario import load_scenario
from tests.drill.test_cli import harness


def test_plan_rates_steps_up_and_refuses_nonsense() -> None:
    assert plan_rates(100, 400, 100) == [100, 200, 300, 400]
    assert plan_rates(50, 50, 10) == [50]
    for bad in ((0, 100, 10), (100, 50, 10), (100, 200, 0)):
        with pytest.raises(DrillError, match="is empty"):
            plan_rates(*bad)
    with pytest.raises(DrillError, match=f"at most {MAX_STEPS}"):
        plan_rates(1, 1000, 1)


def test_at_rate_is_an_open_model_with_stock_for_every_order() -> None:
    base = load_scenario("smoke")
    s = at_rate(base, 300, 10)
    assert (s.load.shape, s.load.rate, s.load.duration) == ("arrival_rate", 300, 10)
    assert s.load.max_orders >= 3000 and s.load.users >= 600
    local = [p for p in s.catalogue if p.kind == "local"]
    assert local and all(p.stock >= 3000 for p in local)
    assert s.expect == base.expect and base.load.rate != 300  # the original is untouched
    (f,), (g,) = base.faults, s.faults          # smoke: 5 s for 4 s of 15 s -> of 10 s
    assert (g.at, g.end) == pytest.approx((f.at * 10 / 15, (f.at + 4) * 10 / 15))


def test_one_step_end_to_end_with_every_run_option(tmp_path: Path) -> None:
    """One real step; `--defect` reaches the service like in `run` (a harmless defect for
    smoke: its quiet baseline expects no alert, so a silenced alert still passes)."""
    r = harness("capacity", "smoke", "--from", "10", "--to", "10", "--step", "10",
                "--hold", "4", "--defect", "alert-never-fires", "--out", str(tmp_path),
                timeout=150)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    assert lines[-2].startswith("capacity: 10 orders/s")
    report = json.loads(Path(lines[-1]).read_text())
    assert report["capacity_orders_per_s"] == 10 and len(report["steps"]) == 1
    step = report["steps"][0]
    assert step["verdict"] == "pass" and step["exit_code"] == 0
    run_dir = Path(step["run_dir"])
    config = json.loads((run_dir / "config" / "service.json").read_text())
    assert config["defects"] == ["alert-never-fires"], "capacity must honour --defect"
    assert json.loads((run_dir / "meta.json").read_text())["defects"] == ["alert-never-fires"]
