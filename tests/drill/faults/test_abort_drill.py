"""A real drill whose stop condition fires: it ends early, every fault healed, exit 3.

The shop is killed 2 s into a 30 s load (planned back only at 25 s) while the
im link carries latency; "error_rate > 20% for 2s" must stop the load within a
few seconds, heal both faults at once, and the verdict must name the rule.
"""

from __future__ import annotations

import json
from pathlib import Path

from drill.options import RunOptions
from drill.run import Run
from drill.scenario import load_scenario

SCENARIO = """
title = "Stop condition: the shop goes down and the drill stops itself"
time_scale = 60.0
seed = 5

[[catalogue]]
id = "steam-50"
price = "50.00"
stock = 400

[load]
shape = "arrival_rate"
rate = 8
users = 30
max_orders = 300
duration = "30s"
poll_timeout = "5s"

[[faults]]
at = "1s"
target = "im"
kind = "latency"
params = { latency = 50 }

[[faults]]
at = "2s"
until = "25s"
target = "service"
kind = "kill"

[expect]
settle = "5s"
abort = ["error_rate > 20% for 2s"]
"""


def test_a_stop_condition_stops_the_load_heals_everything_and_is_inconclusive(
        tmp_path: Path) -> None:
    path = tmp_path / "abort.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    result = Run(load_scenario(str(path)), RunOptions(out=tmp_path / "reports",
                                                      fancy=False)).execute()
    assert result.exit_code == 3, result.summary_line
    assert "stop condition 'error_rate > 20% for 2s' held at" in result.summary_line
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert summary["verdict"] == "inconclusive"
    assert any("stop condition 'error_rate > 20% for 2s'" in r for r in summary["inconclusive"])

    records = [json.loads(line) for line in (result.run_dir / "faults.jsonl").open()]
    assert [(r["fault_id"], r["action"]) for r in records] == [
        ("f0-latency-im", "inject"), ("f1-kill-service", "inject"),
        ("f1-kill-service", "heal"), ("f0-latency-im", "heal")]
    heals = [r for r in records if r["action"] == "heal"]
    assert all(r["proven"] and r["early"].startswith("stop condition") for r in heals), heals
    assert heals[0]["t"] < 15, "the kill was healed long before its planned 25 s"

    meta = json.loads((result.run_dir / "meta.json").read_text())
    (load,) = [p for p in meta["phases"] if p["name"] == "load"]
    assert load["end"] - load["start"] < 20, "the load ran on after the stop condition"
    ops = [json.loads(line) for line in (result.run_dir / "history.jsonl").open()]
    (abort,) = [op for op in ops if op["process"] == "nemesis" and op["f"] == "abort"]
    assert abort["value"]["rule"] == "error_rate > 20% for 2s" and abort["value"]["value"] > 0.2
