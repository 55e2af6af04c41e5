"""A real drill against the reference shop with a container fault on a private dockerd.

The shop itself is not containerised here; a busybox httpd container stands in
for one of its dependencies. The run must inject the fault, prove it from the
container state, heal it, and record both in faults.jsonl and history.jsonl.
Required under CI=true (the dockerd fixture fails instead of skipping there).
"""

from __future__ import annotations

import json
from pathlib import Path

import docker

from drill.options import RunOptions
from drill.run import Run
from drill.scenario import load_scenario
from runtime import PrivateDockerd
from tests.drill.faults.conftest import Web

SCENARIO = """
title = "Container chaos: a dependency paused mid-load"
time_scale = 60.0
seed = 3

[[catalogue]]
id = "steam-50"
price = "50.00"
stock = 200

[load]
shape = "arrival_rate"
rate = 4
users = 20
max_orders = 100
duration = "6s"
poll_timeout = "15s"

[[faults]]
at = "1s"
for = "2s"
kind = "container"
action = "pause"
container = "{name}"

[docker]
base_url = "{base_url}"

[expect]
settle = "10s"
checks = ["no-loss", "no-duplicate", "no-oversell"]
"""


def test_a_drill_pauses_a_container_proves_it_and_heals_it(
        tmp_path: Path, dockerd: PrivateDockerd, docker_client: docker.DockerClient,
        web: Web) -> None:
    path = tmp_path / "container-pause.toml"
    path.write_text(SCENARIO.format(name=web.name, base_url=dockerd.base_url), encoding="utf-8")
    result = Run(load_scenario(str(path)), RunOptions(out=tmp_path / "reports",
                                                      fancy=False)).execute()
    lines = (result.run_dir / "faults.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["action"], r["kind"], r["proven"]) for r in records] == [
        ("inject", "container", True), ("heal", "container", True)], records
    assert f"{web.name} running -> {web.name} paused" in records[0]["reason"]
    assert f"{web.name} paused -> {web.name} running" in records[1]["reason"]
    assert docker_client.containers.get(web.name).status == "running"
    assert web.answers()
    nemesis = [json.loads(line) for line in (result.run_dir / "history.jsonl").open()
               if '"nemesis"' in line]
    assert [(op["f"], op["value"]["action"], op["value"]["proven"]) for op in nemesis] == [
        ("container", "inject", True), ("container", "heal", True)]
    assert not [r for r in result.analysis.inconclusive if "not proven" in r]
    assert result.exit_code == 0, result.summary_line


def test_a_container_fault_that_cannot_apply_makes_the_drill_inconclusive(
        tmp_path: Path, dockerd: PrivateDockerd, web: Web) -> None:
    path = tmp_path / "container-missing.toml"
    path.write_text(SCENARIO.format(name="not-" + web.name, base_url=dockerd.base_url),
                    encoding="utf-8")
    result = Run(load_scenario(str(path)), RunOptions(out=tmp_path / "reports",
                                                      fancy=False)).execute()
    assert result.exit_code == 3, result.summary_line
    reasons = [r for r in result.analysis.inconclusive if "not proven" in r]
    assert reasons and reasons[0].startswith(
        f"harness: fault f0-container-not-{web.name} inject not proven: inject failed: ")
    assert f"no running container 'not-{web.name}'" in reasons[0]
    meta = json.loads((result.run_dir / "meta.json").read_text())
    assert any("not proven" in e for e in meta["harness_errors"])
