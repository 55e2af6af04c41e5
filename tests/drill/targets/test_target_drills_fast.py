"""CI's proof that the reference shop drills as an external target, blind: smoke,
callback-flaky and a flash sale in a row against ONE shop the test started (as a user
starts theirs, configured once with a fixed world), each run in process with its load
shortened by scenario overrides. The verdicts are the oracle's, from outside records
only: no export is read (`export=False`), the harness starts no shop and opens no
database. The long versions are test_target_run.py (slow)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drill.options import RunOptions
from drill.pytest_plugin import scenario_with
from drill.run_result import RunResult
from drill.stack.world import WorldSpec
from drill.targets.conduct import make_run
from runtime import ManagedProcess
from tests.drill.targets.test_target_run import HERE, user_shop

# load shortened (and faults and spike moved inside it) so the three drills take ~40 s
SHORT: dict[str, dict[str, Any]] = {
    "target-smoke": {"load": {"duration": "3s", "max_orders": 40, "poll_timeout": "10s"},
                     "expect": {"settle": "10s"}},
    "target-callback-flaky": {
        "load": {"duration": "4s", "max_orders": 40, "poll_timeout": "10s"},
        "faults": [{"at": "1s", "for": "2s", "target": "gateway_notify", "kind": "reset_peer",
                    "params": {"timeout": 0, "toxicity": 0.3}}],
        "expect": {"settle": "20s"}},
    "target-flash-sale": {
        "load": {"duration": "4s", "rate": 8, "max_orders": 200, "poll_timeout": "8s",
                 "spike": {"multiplier": 4, "at": "1s", "for": "2s"}},
        "expect": {"settle": "10s"}},
}


@dataclass
class Drilled:
    result: RunResult
    history: list[dict[str, Any]]
    meta: dict[str, Any]
    setup: dict[str, Any]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, ManagedProcess]]:
    """One shop for the three drills: callback-flaky's [service] (reconcile on)."""
    with user_shop(tmp_path_factory.mktemp("shop"), "target-callback-flaky") as (base, proc):
        yield base, proc


def drill(name: str, shop: tuple[int, ManagedProcess], out: Path) -> Drilled:
    base, proc = shop
    opts = RunOptions(out=out, fancy=False, target="reference", target_url=proc.url,
                      export=False, world=WorldSpec(base, source=f"--world-ports {base}"))
    result = make_run(scenario_with(str(HERE / f"{name}.toml"), **SHORT[name]), opts).execute()
    run_dir = result.run_dir
    history = [json.loads(line) for line in
               (run_dir / "history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not (run_dir / "export.json").exists()     # blind: the export never read
    assert not list(run_dir.glob("*.sqlite3"))        # the shop's DB stays the shop's
    meta = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["target"]["export"] is False and "service" not in meta["pids"]
    setup = json.loads((run_dir / "target-setup.json").read_text(encoding="utf-8"))
    return Drilled(result, history, meta, setup)


def _passed(d: Drilled) -> None:
    a = d.result.analysis
    verdicts = {v.id: (v.ok, v.detail) for v in a.verdicts}
    assert a.overall == "pass", f"{a.line()}\n{d.result.errors}\n{verdicts}"
    assert all(v.ok is not False for v in a.verdicts)


def _snooped_through_the_adapter(d: Drilled) -> None:
    """The reference adapter's declared probes ran (routes as its steps sent them) and the
    access check judged exactly those recorded ops."""
    snoops = [o for o in d.history if o["process"].startswith("snooper-")
              and o["type"] != "invoke"]
    hows = {o["value"]["how"] for o in snoops}
    assert {"no_token", "neighbour", "admin_no_token"} <= hows, hows
    assert "GET /api/orders/{order_no}/cards" in {o["value"]["route"] for o in snoops}
    access = next(v for v in d.result.analysis.verdicts if v.id == "access")
    assert access.ok is True and access.counts["attempts"] == len(snoops)
    assert access.counts["refused"] == len(snoops)    # a sound shop refuses every one


def test_three_drills_blind_against_one_shop(shop: tuple[int, ManagedProcess],
                                             tmp_path: Path) -> None:
    smoke = drill("target-smoke", shop, tmp_path)
    _passed(smoke)
    paid = [o for o in smoke.history if o["f"] == "pay" and o["type"] == "ok"]
    assert len(paid) >= 10                             # real buyers went through the adapter
    assert smoke.setup["channels"][0].startswith("payment channel: gateway ")
    _snooped_through_the_adapter(smoke)

    flaky = drill("target-callback-flaky", shop, tmp_path)
    _passed(flaky)
    faults = [o["value"]["action"] for o in flaky.history
              if o["process"] == "nemesis" and o["value"].get("proven")]
    assert faults == ["inject", "heal"], "the notify fault was not applied and healed"

    flash = drill("target-flash-sale", shop, tmp_path)
    _passed(flash)
    created = [o for o in flash.history if o["f"] == "create_order" and o["type"] == "ok"]
    assert len(created) > len([o for o in smoke.history if o["f"] == "create_order"
                               and o["type"] == "ok"])  # the spike came
