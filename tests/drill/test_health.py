"""The health watch against real processes: an unplanned death is seen once, a planned one never."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drill.health import HealthWatch, UnplannedExit
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
