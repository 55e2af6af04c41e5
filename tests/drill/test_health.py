"""The health watch against real processes: an unplanned death is seen once, a planned one never."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from drill.events import Events
from drill.health import FaultExcuses, HealthWatch, UnplannedExit
from runtime import ManagedProcess
from tests.waiting import wait_until

APP = Path(__file__).resolve().parents[1] / "runtime" / "_echo_app.py"


@pytest.fixture
def two(tmp_path: Path) -> Iterator[dict[str, ManagedProcess]]:
    procs = {name: ManagedProcess(name, [sys.executable, str(APP), "--port", "0"],
                                  log_path=tmp_path / f"{name}.log")
             for name in ("service", "gateway")}
    for p in procs.values():
        p.start()
    yield procs
    for p in procs.values():
        p.stop()


def test_an_unplanned_kill_is_reported_once_with_code_and_log(
        two: dict[str, ManagedProcess]) -> None:
    seen: list[UnplannedExit] = []
    watch = HealthWatch(lambda: dict(two), lambda _n: False,
                        seen.append, every_s=0.02)
    watch.start()
    two["service"].signal(signal.SIGKILL)
    wait_until(lambda: seen, timeout=10, what="the watch to see the kill")
    exits = watch.stop()
    assert [e.component for e in exits] == ["service"]
    assert exits[0].exit_code == -signal.SIGKILL
    assert "service exited with code -9 and no fault planned it" in str(exits[0])


def test_a_planned_kill_is_not_a_finding_and_a_restart_rearms(
        two: dict[str, ManagedProcess]) -> None:
    planned = {"gateway"}
    watch = HealthWatch(lambda: dict(two),
                        lambda n: n in planned, lambda _e: None)
    two["gateway"].kill()
    wait_until(lambda: not two["gateway"].alive(), timeout=10, what="gateway down")
    assert watch.poll_once() == []
    two["gateway"].start()                   # healed: the fault brought it back
    planned.clear()
    assert watch.poll_once() == []
    two["gateway"].signal(signal.SIGKILL)    # and now it dies with no fault planned
    wait_until(lambda: not two["gateway"].alive(), timeout=10, what="gateway down again")
    assert [e.component for e in watch.poll_once()] == ["gateway"]
    assert watch.poll_once() == []           # reported once, not every pass


@dataclass(frozen=True)
class FaultStep:
    """drill.faults.plan.FaultStep's fields the excuses read (importing drill.faults first
    trips its import cycle with drill.scenario)."""

    at: float
    action: str
    index: int
    kind: str
    target: str


@dataclass
class Timeline:
    """The fault executor as the excuses read it: its plan, active injects and start."""

    steps: list[FaultStep]
    active: dict[int, FaultStep] = field(default_factory=dict)
    t0: float = 1000.0


def _excuses(timeline: Timeline, now: list[float]) -> tuple[FaultExcuses, Events]:
    events = Events()
    members = {"worker": ["worker-1", "worker-2"], "worker-1": ["worker-1"]}
    return FaultExcuses(events, lambda: timeline, lambda t: members[t],
                        clock=lambda: now[0]), events


def test_a_restart_excuses_its_target_from_due_until_healed() -> None:
    inject = FaultStep(5.0, "inject", 0, "restart", "worker-1")
    heal = FaultStep(8.0, "heal", 0, "restart", "worker-1")
    timeline, now = Timeline([inject, heal]), [1000.0 + 2.0]
    planned, events = _excuses(timeline, now)
    assert not planned("worker-1")                       # long before the fault
    now[0] = 1000.0 + 5.1                                 # due: stopping, not yet marked active
    assert planned("worker-1") and not planned("worker-2")
    timeline.active[0] = inject
    events.fault_applied.fire(step=inject, at=now[0], ok=True, error=None)
    now[0] = 1000.0 + 7.0
    assert planned("worker-1")                           # active
    timeline.active.clear()                              # healed
    assert not planned("worker-1"), "after the heal a death is unplanned again"


def test_a_fault_on_every_worker_excuses_each_and_a_link_fault_none() -> None:
    kill = FaultStep(1.0, "inject", 0, "kill", "worker")
    latency = FaultStep(1.0, "inject", 1, "latency", "worker-1")
    timeline, now = Timeline([kill, latency], {0: kill, 1: latency}), [1002.0]
    planned, events = _excuses(timeline, now)
    events.fault_applied.fire(step=kill, at=now[0], ok=True, error=None)
    assert planned("worker-1") and planned("worker-2")
    timeline.active.pop(0)
    assert not planned("worker-1"), "a latency fault takes no process down"


def test_no_timeline_yet_excuses_nothing() -> None:
    planned = FaultExcuses(Events(), lambda: None, lambda t: [t])
    assert not planned("service")
