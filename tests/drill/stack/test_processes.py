"""The stack against real processes: up, wired through Toxiproxy, process chaos, heal, down."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import FaultStep
from drill.scenario import load_scenario
from drill.stack import Stack, StackOptions
from tests.waiting import wait_until


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:      # a zombie is dead too
        return fh.read().split()[2] != "Z"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    run_dir = tmp_path_factory.mktemp("stack")
    st = Stack(load_scenario("smoke"), StackOptions(run_dir, toxiproxy="embedded"))
    try:
        st.start()
        yield st
    finally:
        st.stop()


def test_every_component_answers_and_links_exist(stack: Stack) -> None:
    for name in ("gateway", "supplier-primary", "supplier-backup", "sink", "service"):
        assert httpx.get(stack.url(name) + "/healthz", timeout=5).status_code == 200, name
    assert stack.toxiproxy_info["kind"] == "embedded" and stack.toxiproxy_info["version"]
    assert stack.toxiproxy is not None
    assert set(stack.toxiproxy.links) == {"supplier_primary", "supplier_backup",
                                          "gateway_query", "im", "gateway_notify"}
    # gateway -> service goes through the gateway_notify link
    r = httpx.get(stack.toxiproxy.url_of("gateway_notify") + "/healthz", timeout=5)
    assert r.json()["role"] == "all"                      # the service answered
    cfg = (stack.opts.run_dir / "config" / "service.json").read_text()
    assert stack.toxiproxy.url_of("supplier_primary") in cfg


def _executor(stack: Stack, steps: list[FaultStep]) -> FaultExecutor:
    ex = FaultExecutor(steps, stack, stack.opts.run_dir, Events())
    ex.start(time.time())
    wait_until(lambda: ex.active_count() == len(steps), timeout=10, what="every fault injected")
    return ex


def test_killed_component_is_down_for_its_clients_and_back_after_heal(stack: Stack) -> None:
    proc = stack.components["supplier-primary"]
    port, link = proc.port, stack.toxiproxy.url_of("supplier_primary")  # type: ignore[union-attr]
    ex = _executor(stack, [FaultStep(0, "inject", 0, "kill", "supplier-primary")])
    assert not proc.alive()
    with pytest.raises(httpx.TransportError):
        httpx.get(link + "/healthz", timeout=2)           # what the service sees
    ex.heal_all()
    assert proc.alive() and proc.port == port
    assert httpx.get(link + "/healthz", timeout=5).status_code == 200
    lines = (stack.opts.run_dir / "faults.jsonl").read_text().splitlines()
    assert '"action": "heal"' in lines[-1] and '"ok": true' in lines[-1]


def test_heal_all_leaves_no_toxic_no_disabled_link_and_no_paused_process(stack: Stack) -> None:
    toxi = stack.toxiproxy
    assert toxi is not None
    ex = _executor(stack, [
        FaultStep(0, "inject", 0, "latency", "im", {"latency": 200}),
        FaultStep(0, "inject", 1, "down", "gateway_query"),
        FaultStep(0, "inject", 2, "pause", "gateway"),
        FaultStep(0, "inject", 3, "behaviour", "sink", {"throttle": True}),
    ])
    assert toxi.toxics("im") == ["f0-latency-im"] and not toxi.is_enabled("gateway_query")
    assert stack.components["gateway"].paused
    ex.heal_all()
    assert toxi.toxics("im") == [] and toxi.is_enabled("gateway_query")
    assert not stack.components["gateway"].paused
    assert httpx.get(stack.url("gateway") + "/healthz", timeout=5).status_code == 200
    sink = httpx.get(stack.url("sink") + "/_fake/behaviour", timeout=5).json()["behaviour"]
    assert sink["throttle"] is False


def test_stop_leaves_no_process(tmp_path: Path) -> None:
    st = Stack(load_scenario("smoke"), StackOptions(tmp_path, toxiproxy="embedded"))
    st.start()
    pids = [p.pid for p in st.components.values()]
    assert all(_alive(pid) for pid in pids)
    assert st.stop() == []
    assert not any(_alive(pid) for pid in pids)


def test_api_processes_start_as_siblings_and_stop_with_the_stack(tmp_path: Path) -> None:
    import psutil

    base = load_scenario("smoke")
    scenario = base.model_copy(update={"service": base.service.model_copy(
        update={"workers": 1, "api_processes": 2})})
    st = Stack(scenario, StackOptions(tmp_path, toxiproxy="embedded"))
    st.start()
    try:
        api = st.components["api"]
        assert "--processes" in api.argv and api.pid is not None
        siblings = [p.pid for p in psutil.Process(api.pid).children()]
        assert len(siblings) == 1, "the api should have forked one sibling"
        assert httpx.get(st.service_url + "/api/products", timeout=5).status_code == 200
    finally:
        assert st.stop() == []
    wait_until(lambda: not any(_alive(pid) for pid in siblings), timeout=10,
               what="the api sibling gone after stop")
