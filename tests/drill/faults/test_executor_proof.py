"""Every inject and heal is proven by reading the state back, against real processes.

One stack (embedded Toxiproxy, the fakes, the service) for the module; each
test injects through the real `FaultExecutor` and reads faults.jsonl, the
nemesis ops and `unproven()`.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import FaultStep
from drill.faults.proof import unproven_reasons
from drill.history import Op
from drill.scenario import load_scenario
from drill.stack import Stack, StackOptions, ToxiproxyClient
from runtime import ManagedProcess
from tests.waiting import wait_until


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    st = Stack(load_scenario("smoke"), StackOptions(tmp_path_factory.mktemp("proof"),
                                                    toxiproxy="embedded"))
    try:
        st.start()
        yield st
    finally:
        st.stop()


class Run:
    """An executor over `steps` with its own run folder and the nemesis ops it published."""

    def __init__(self, stack: Stack, run_dir: Path, steps: list[FaultStep],
                 t0: float | None = None) -> None:
        self.events, self.ops = Events(), cast(list[Op], [])
        self.events.op_recorded.add_listener(lambda op: self.ops.append(op))
        self.run_dir = run_dir
        self.ex = FaultExecutor(steps, stack, run_dir, self.events)
        self.ex.start(time.time() if t0 is None else t0)

    def records(self) -> list[dict[str, Any]]:
        path = self.run_dir / "faults.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def wait_records(self, n: int) -> list[dict[str, Any]]:
        wait_until(lambda: len(self.records()) >= n, timeout=15, what=f"{n} fault records")
        return self.records()


def test_a_latency_fault_is_proven_on_inject_and_on_heal(stack: Stack, tmp_path: Path) -> None:
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "latency", "im", {"latency": 100}),
                                FaultStep(0.3, "heal", 0, "latency", "im", {"latency": 100})])
    inject, heal = run.wait_records(2)
    assert (inject["action"], inject["proven"]) == ("inject", True)
    assert "toxic f0-latency-im listed on im" in inject["reason"]
    assert (heal["action"], heal["proven"]) == ("heal", True)
    assert "toxic f0-latency-im gone on im" in heal["reason"]
    wait_until(lambda: len(run.ops) == 2, timeout=5, what="both nemesis ops")  # after the file
    assert [op.value["proven"] for op in run.ops] == [True, True]
    assert run.ex.unproven() == []


def test_a_toxic_the_proxy_refuses_is_unproven_naming_the_fault(stack: Stack,
                                                                 tmp_path: Path) -> None:
    """A toxic type this Toxiproxy does not know (a newer toxic, a typo past validation)."""
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "jitterbug", "im", {"rate": 1})])
    (inject,) = run.wait_records(1)
    assert inject["proven"] is False and inject["ok"] is False
    assert "answered 400" in inject["error"] and "invalid toxic type" in inject["error"]
    run.ex.heal_all()
    (reason,) = [r for r in run.ex.unproven() if "inject" in r]
    assert reason.startswith("fault f0-jitterbug-im inject not proven: inject failed: ")
    assert unproven_reasons(run.records()) == run.ex.unproven()     # offline, the same words
    assert stack.toxiproxy is not None and stack.toxiproxy.toxics("im") == []


def test_a_stopped_proxy_makes_the_fault_unproven(tmp_path: Path) -> None:
    proc = ManagedProcess("toxiproxy", [sys.executable, "-m", "fakes.toxiproxy",
                                        "--host", "127.0.0.1", "--port", "0"])
    proc.start()
    toxi = ToxiproxyClient(proc.url, "embedded")
    toxi.create("im", "127.0.0.1:9")
    proc.stop()

    class Bare:           # only what link faults use: the proxy; no scenario
        toxiproxy, scenario = toxi, None

    ex = FaultExecutor([FaultStep(0, "inject", 0, "latency", "im", {"latency": 100})],
                       cast(Stack, Bare()), tmp_path, Events())
    ex.start(time.time())
    wait_until(lambda: ex.unproven() != [], timeout=15, what="the inject recorded")
    assert "fault f0-latency-im inject not proven" in ex.unproven()[0]
    assert "failed" in ex.unproven()[0]
    toxi.close()


def test_a_down_fault_reads_the_proxy_disabled_then_enabled(stack: Stack,
                                                            tmp_path: Path) -> None:
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "down", "gateway_query"),
                                FaultStep(0.2, "heal", 0, "down", "gateway_query")])
    inject, heal = run.wait_records(2)
    assert inject["proven"] and inject["reason"] == "proxy gateway_query disabled"
    assert heal["proven"] and heal["reason"] == "proxy gateway_query enabled"


def test_a_behaviour_fault_is_read_back_from_the_fake(stack: Stack, tmp_path: Path) -> None:
    knobs = {"throttle": True, "throttle_per_min": 3}
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "behaviour", "sink", knobs),
                                FaultStep(0.2, "heal", 0, "behaviour", "sink", knobs)])
    inject, heal = run.wait_records(2)
    url = stack.url("sink") + "/_fake/behaviour"
    assert inject["proven"] and inject["reason"] == f"{url} shows {knobs}"
    assert heal["proven"] and "'throttle': False" in heal["reason"]
    assert httpx.get(url, timeout=5).json()["behaviour"]["throttle"] is False


def test_pause_and_kill_are_read_back_from_the_process_table(stack: Stack,
                                                             tmp_path: Path) -> None:
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "pause", "sink"),
                                FaultStep(0.2, "heal", 0, "pause", "sink"),
                                FaultStep(0.4, "inject", 1, "kill", "supplier-backup"),
                                FaultStep(0.6, "heal", 1, "kill", "supplier-backup")])
    records = run.wait_records(4)
    assert [(r["action"], r["proven"]) for r in records] == [
        ("inject", True), ("heal", True), ("inject", True), ("heal", True)]
    reasons = [r["reason"] for r in records]
    assert reasons[0] == "inject pause: sink stopped"
    assert reasons[2] == "inject kill: supplier-backup gone"
    for healed, name in ((reasons[1], "sink"), (reasons[3], "supplier-backup")):
        assert healed.split(": ")[1] in (f"{name} sleeping", f"{name} running"), healed


def test_an_inject_far_behind_its_plan_is_reported(stack: Stack, tmp_path: Path) -> None:
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "latency", "im", {"latency": 10})],
              t0=time.time() - 5)
    (inject,) = run.wait_records(1)
    run.ex.heal_all(reason="test over")
    assert inject["proven"] is False and "listed on im" in inject["reason"]
    assert "injected 5." in inject["reason"] and "tolerance 0.75 s" in inject["reason"]
    assert len(run.ex.unproven()) == 1           # the heal (with a reason) is not early


def test_a_heal_before_the_planned_end_is_reported_unless_a_reason_is_given(
        stack: Stack, tmp_path: Path) -> None:
    steps = [FaultStep(0, "inject", 0, "latency", "im", {"latency": 10}),
             FaultStep(60, "heal", 0, "latency", "im", {"latency": 10})]
    run = Run(stack, tmp_path, steps)
    run.wait_records(1)
    run.ex.heal_all()
    heal = run.records()[-1]
    assert heal["proven"] is False and "before its planned end 60 s" in heal["reason"]
    (tmp_path / "b").mkdir()
    other = Run(stack, tmp_path / "b", steps)
    other.wait_records(1)
    other.ex.heal_all(reason="stop condition 'error_rate > 50%' held")
    heal = other.records()[-1]
    assert heal["proven"] is True and heal["early"].startswith("stop condition")


def test_a_fault_the_timeline_never_reached_is_reported(stack: Stack, tmp_path: Path) -> None:
    run = Run(stack, tmp_path, [FaultStep(60, "inject", 0, "down", "im"),
                                FaultStep(61, "heal", 0, "down", "im")])
    assert run.ex.unproven() == []              # the timeline still runs: not yet a problem
    run.ex.heal_all()                           # the load ended at once
    assert run.ex.unproven() == [
        "fault f0-down-im planned at 60 s was never injected (the load ended first)"]
    stopped = Run(stack, tmp_path / "b", [FaultStep(60, "inject", 0, "down", "im")])
    stopped.ex.heal_all(reason="stop condition held")
    assert stopped.ex.unproven() == []          # stopped on purpose: not a broken plan


def _dial_dark(addr: str) -> bytes:
    """One connection to a link under reset_peer: the request goes, no reply comes back."""
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /notify HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            return sock.recv(1024)
        except ConnectionResetError:
            return b""


def test_a_link_fault_records_the_connections_accepted_during_it(stack: Stack,
                                                                 tmp_path: Path) -> None:
    """The breaker check's evidence: accepted connections at inject and at heal."""
    params = {"timeout": 0, "stream": "upstream"}
    run = Run(stack, tmp_path, [FaultStep(0, "inject", 0, "reset_peer", "gateway_notify",
                                          params, open_end=True)])
    (inject,) = run.wait_records(1)
    assert stack.toxiproxy is not None
    addr = stack.toxiproxy.links["gateway_notify"]
    assert [_dial_dark(addr) for _ in range(3)] == [b""] * 3
    run.ex.heal_all(reason="the test is done")
    inject, heal = run.wait_records(2)
    assert heal["accepted_connections"] - inject["accepted_connections"] == 3
    assert "accepted_connections_error" not in heal
