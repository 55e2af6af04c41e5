"""No orphans, ever: SIGKILL of a parent (the harness itself included) takes every child down.

Each test records the parent's descendants with psutil, SIGKILLs the parent
only, and finds none of them alive 5 s later (a zombie waiting for init to
reap it counts as dead: it runs no code).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from runtime import die_with_parent
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PARENTS = [sys.executable, "-m", "tests.runtime._parents"]
TIED_LOCUSTFILE = Path(__file__).with_name("_tied_locustfile.py")


def _alive(procs: list[psutil.Process]) -> list[str]:
    """The ones still running code, as 'pid cmdline' for a readable failure."""
    survivors = []
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                survivors.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
    return survivors


def _kill_and_expect_no_survivors(parent: subprocess.Popen[str], kin: list[psutil.Process]) -> None:
    assert kin, "the parent had no descendants to check"
    parent.send_signal(signal.SIGKILL)
    parent.wait(5)
    try:
        with contextlib.suppress(AssertionError):
            wait_until(lambda: not _alive(kin), timeout=5, what="every descendant gone")
        assert _alive(kin) == []
    finally:
        for proc in kin:  # never leave a failing test's orphans running
            with contextlib.suppress(psutil.Error):
                proc.kill()


def _start_parent(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([*PARENTS, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, preexec_fn=die_with_parent())


def _reported_children(parent: subprocess.Popen[str]) -> list[psutil.Process]:
    assert parent.stdout is not None
    line = parent.stdout.readline()
    assert line, f"the stand-in parent exited with {parent.wait(5)} before reporting"
    return [psutil.Process(pid) for pid in json.loads(line)["children"]]


@pytest.mark.parametrize("mode", ["popen", "fork"])
def test_children_die_with_their_parent(mode: str) -> None:
    parent = _start_parent(mode)
    kids = _reported_children(parent)
    assert _alive(kids) and len(_alive(kids)) == len(kids)
    _kill_and_expect_no_survivors(parent, kids)


def test_a_child_whose_parent_died_before_the_tie_kills_itself() -> None:
    tie = "from runtime.orphans import tie_to_parent; tie_to_parent({}); print('lived on')"
    orphan = subprocess.run([sys.executable, "-c", tie.format(1)], cwd=ROOT, text=True,
                            capture_output=True, timeout=30, check=False)
    assert orphan.returncode == -signal.SIGKILL
    assert "lived on" not in orphan.stdout
    tied = subprocess.run([sys.executable, "-c", tie.format(os.getpid())], cwd=ROOT, text=True,
                          capture_output=True, timeout=30, check=False)
    assert (tied.returncode, tied.stdout.strip()) == (0, "lived on")


def _locust_processes(parent: psutil.Process) -> list[psutil.Process]:
    found = []
    for proc in parent.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "locust" in " ".join(proc.cmdline()):
                found.append(proc)
    return found


def test_locust_workers_forked_with_processes_die_with_the_harness() -> None:
    """The master is tied by die_with_parent; its forked workers by the locustfile's tie."""
    parent = _start_parent("locust", str(TIED_LOCUSTFILE))
    _reported_children(parent)
    me = psutil.Process(parent.pid)
    wait_until(lambda: len(_locust_processes(me)) >= 3, timeout=60,
               what="a Locust master and its 2 workers")
    kin = _locust_processes(me)
    _kill_and_expect_no_survivors(parent, kin)


def test_sigkill_of_the_harness_mid_load_leaves_no_process(tmp_path: Path) -> None:
    console = tmp_path / "console.log"
    with open(console, "w", encoding="utf-8") as out:
        harness = subprocess.Popen(
            [sys.executable, "harness.py", "run", "smoke"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, text=True, preexec_fn=die_with_parent(),
            env={**os.environ, "FAKA_DRILL_OUT": str(tmp_path / "reports")})
    me = psutil.Process(harness.pid)

    def load_running() -> list[psutil.Process]:
        if harness.poll() is not None:
            raise AssertionError(f"the harness exited with {harness.returncode} before the "
                                 f"load began:\n{console.read_text(encoding='utf-8')[-2000:]}")
        return _locust_processes(me)

    wait_until(load_running, timeout=120, what="Locust running under the harness")
    kin = me.children(recursive=True)
    assert len(kin) > 1, "expected the stack and Locust under the harness"
    _kill_and_expect_no_survivors(harness, kin)
