"""LoadRun against the real service and fakes (started by drill.stack via ManagedProcess).

Closed-model load, bounded by count (30 orders) with a generous time bound so a busy box
still reaches the count, on the smoke scenario's shop with the default
buyer mix (2 or 3 keys now and then, catalogue reads, snoopers); then the final
catalogue read, collect and the oracle: history ops well formed, orders complete,
nothing lost/duplicated, stock conserved, no snooper saw anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drill.checks import CheckSpec, evaluate
from drill.collect import CollectTargets, collect
from drill.history import Op, merge_histories
from drill.load import LoadPlan, LoadRun
from drill.load.catalogue import record_final_catalogue
from drill.scenario import load_scenario
from drill.stack import ADMIN_TOKEN, Stack, StackOptions, seed_stock
from tests.drill.load.test_loadrun_toyshop import _check_well_formed, _ops


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Path]]:
    run_dir = tmp_path_factory.mktemp("real-stack")
    scenario = load_scenario("smoke")
    st = Stack(scenario, StackOptions(run_dir, toxiproxy="embedded"))
    try:
        st.start()
        seed_stock(scenario, st.service_url, run_dir)
        yield st, run_dir
    finally:
        st.stop()


def test_short_load_against_real_processes(stack: tuple[Stack, Path]) -> None:
    st, run_dir = stack
    plan = LoadPlan(service_url=st.service_url, gateway_url=st.url("gateway"),
                    products=("steam-50", "apple-100"), users=6, spawn_rate=100, duration_s=20,
                    max_orders=30, poll_timeout_s=10, poll_interval_s=0.05,
                    quantity_mix=((1, 0.6), (2, 0.3), (3, 0.1)), browse=0.3, snoopers=0.2)
    run = LoadRun(plan, run_dir)
    run.start()
    assert run.wait(plan.hard_deadline_s + 10)
    final = record_final_catalogue(st.service_url, _append_to(run_dir / "load" / "history-x.jsonl"))
    assert final.type == "ok" and final.value["final"] is True
    merge_histories(run_dir / "history.jsonl", run.history_parts())
    ops = _ops(run_dir)
    _check_well_formed(ops)
    fetched = [o for o in ops if o["f"] == "fetch_card" and o["type"] == "ok"]
    started = json.loads((run_dir / "load.json").read_text())["started"]
    assert started == 30 and len(fetched) == started, "every order started must complete"
    assert all(o["value"]["cards"] for o in fetched)
    collect(run_dir, CollectTargets(
        service_url=st.service_url, admin_token=ADMIN_TOKEN,
        gateway_url=st.url("gateway"), suppliers=st.supplier_urls, sink_url=st.url("sink")))
    assert not (run_dir / "collect_errors.json").exists()
    spec = CheckSpec(checks=("no-loss", "no-duplicate", "no-oversell", "no-double-purchase",
                             "latency", "stock-conservation", "access", "buyer-truth"))
    verdicts = {v.id: v for v in evaluate(run_dir, spec)}
    assert all(v.ok is True for v in verdicts.values()), {k: v.detail for k, v in verdicts.items()}
    assert verdicts["no-loss"].counts["paid"] == started
    assert verdicts["access"].counts["attempts"] > 0
    sizes = {len(o["value"]["cards"]) for o in fetched}
    assert sizes <= {1, 2, 3} and max(sizes) > 1, "the mix orders 2 or 3 keys now and then"


def _append_to(path: Path) -> Callable[[Op], None]:
    """An op sink for the final read: one more history part, as the run's writer would be."""

    def append(op: Op) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(op.to_line() + "\n")

    return append
