"""A real small drill whose shop dies: seen on the console at once, and the run is never PASS.

Issue 10's examples: `kill -9` of the delivery service mid-load went unnoticed
and the run passed; killed early in a copy of smoke without an error-rate
threshold it passed with most buyers refused. A kill the scenario plans is no
finding.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from drill.options import RunOptions
from drill.run import Run
from drill.scenario import load_scenario
from tests.waiting import wait_until

# smoke, smaller and with no error-rate threshold: only the health watch and the
# completion check stand between a dead shop and a PASS.
SCENARIO = """
title = "Smoke without an error-rate threshold"
tags = ["test"]
time_scale = 60.0
seed = 7

[[catalogue]]
id = "steam-50"
name = "Steam Wallet 50"
price = "50.00"
kind = "local"
stock = 200

[service]
order_expiry_s = 600
monitor = { stuck_after_s = 300 }

[load]
shape = "arrival_rate"
rate = 8
users = 30
max_orders = 200
duration = "8s"
poll_timeout = "5s"
{faults}
[expect]
thresholds = ["delivery_p99 < 5s"]
quiet = true
settle = "6s"
"""

PLANNED_KILL = """
[[faults]]
at = "2s"
for = "2s"
target = "service"
kind = "kill"
"""


def _scenario(tmp_path: Path, faults: str = "") -> Path:
    path = tmp_path / "no-error-threshold.toml"
    path.write_text(SCENARIO.replace("{faults}", faults), encoding="utf-8")
    return path


def _kill_service_after(run: Run, delay_s: float, killed: dict[str, float]) -> threading.Thread:
    """kill -9 the service `delay_s` into the load, from outside, as a user would."""
    started = threading.Event()
    run.events.phase_changed.add_listener(
        lambda name, at: started.set() if name == "load" else None)

    def kill() -> None:
        if not started.wait(60) or run.load is None:
            return
        wait_until(lambda: run.load is not None and run.load.started_at, timeout=30,
                   what="the load to start")
        assert run.load.started_at is not None
        threading.Event().wait(max(0.0, run.load.started_at + delay_s - time.time()))
        pid = run.stack.components["service"].pid
        assert pid is not None
        killed["at"] = time.time()
        os.kill(pid, signal.SIGKILL)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def _console_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("[faka-drill]")]


def test_a_service_killed_mid_load_is_shown_at_once_and_fails_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = Run(load_scenario(str(_scenario(tmp_path))), RunOptions(out=tmp_path / "reports",
                                                                 fancy=False))
    killed: dict[str, float] = {}
    killer = _kill_service_after(run, 3.0, killed)
    result = run.execute()
    killer.join(5)
    lines = _console_lines(capsys.readouterr().err)

    alarms = [i for i, line in enumerate(lines) if "UNPLANNED EXIT" in line]
    assert alarms, "\n".join(lines)
    alarm = lines[alarms[0]]
    assert "service exited with code -9 and no fault planned it" in alarm
    drain = next(i for i, line in enumerate(lines) if line.endswith("phase drain"))
    assert alarms[0] < drain, "shown while the load still ran, not at the end"
    exits = run.watch.unplanned
    assert [(e.component, e.exit_code, e.role) for e in exits] == [("service", -9, "shop")]
    print(f"alarm {exits[0].at - killed['at']:.2f} s after the kill")   # seen with -s

    analysis = result.analysis
    assert analysis.overall == "fail" and result.exit_code == 1, analysis.line()
    assert "shop-health" in analysis.failed
    completion = next(v for v in analysis.verdicts if v.id == "completion")
    assert completion.ok is not True, completion.detail
    assert analysis.line().startswith("FAIL ")
    _outputs_agree(result.run_dir, "fail")


def _outputs_agree(run_dir: Path, verdict: str) -> None:
    summary: dict[str, Any] = json.loads((run_dir / "summary.json").read_text())
    assert summary["verdict"] == verdict
    assert [e["component"] for e in summary["unplanned_exits"]] == ["service"]
    junit = ET.parse(run_dir / "junit.xml").getroot()
    health = next(c for c in junit.iter("testcase") if c.get("name") == "shop-health")
    assert health.find("failure") is not None
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["health"]["unplanned_exits"][0]["exit_code"] == -9
    load = json.loads((run_dir / "harness.json").read_text())
    sampled = {c["name"] for c in load["components"]}
    assert {"locust", "conductor", "gateway", "toxiproxy"} <= sampled
    assert [c["name"] for c in load["shop"]] == ["service"], "the shop is sampled apart"
    assert load["extra"]["healthz_ms"]["gateway"]["samples"] > 0
    index = (run_dir.parent / "index.jsonl").read_text().splitlines()
    assert [json.loads(line)["verdict"] for line in index] == [verdict]


# A second full drill. Fast guards: test_health.py (a planned kill is no finding against real
# processes; FaultExcuses from the timeline), test_analyze_harness.py::
# test_a_watched_run_with_no_exit_passes_shop_health (the verdict); the unplanned-kill drill
# above keeps the whole chain in the fast suite.
@pytest.mark.slow
def test_a_kill_the_scenario_plans_is_no_finding(tmp_path: Path) -> None:
    run = Run(load_scenario(str(_scenario(tmp_path, PLANNED_KILL))),
              RunOptions(out=tmp_path / "reports", fancy=False))
    result = run.execute()
    assert run.watch.unplanned == []
    health = next(v for v in result.analysis.verdicts if v.id == "shop-health")
    assert health.ok is True, health.detail
