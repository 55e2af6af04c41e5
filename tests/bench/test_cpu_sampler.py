"""bench/cpu_sampler.py names a child by what it exec'd, not by the parent it was forked from."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from bench.cpu_sampler import TreeSampler
from tests.waiting import wait_until

# The root forks; the child waits for a line on stdin, then becomes `python -c ... fakes.sink`
# (spelt in two halves here, so the root's own command line does not name the sink).
ROOT_SCRIPT = textwrap.dedent("""
    import os, sys, time
    pid = os.fork()
    if pid == 0:
        sys.stdin.readline()
        os.execv(sys.executable, [sys.executable, "-c", "import sys; sys.stdin.read()",
                                  "fakes." + "sink"])
    print(pid, flush=True)
    os.waitpid(pid, 0)
""")


@pytest.mark.parametrize("exec_after_s", [0.0, 1.5])
def test_a_forked_child_is_renamed_once_it_execs(exec_after_s: float) -> None:
    """Also when the child lives over a second before it execs (a busy box: CI saw it named
    by its parent's command line for good)."""
    proc = subprocess.Popen([sys.executable, "-c", ROOT_SCRIPT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        child = int(proc.stdout.readline())
        sampler = TreeSampler(every_s=0.05, discover_s=0.05)
        sampler.watch(proc.pid, "conductor")
        assert sampler.series[proc.pid].label == "conductor"
        assert sampler.series[child].label.startswith("unnamed: ")  # the parent's command line
        sampler.start()
        time.sleep(exec_after_s)  # the condition under test: a late exec, not a readiness wait
        proc.stdin.write("go\n")
        proc.stdin.flush()
        wait_until(lambda: sampler.series[child].label == "sink", timeout=10,
                   what="the exec'd child named sink")
        sampler.stop()
        assert sampler.window(0.0, 2e9)["sink"] >= 0.0
    finally:
        proc.stdin.close()
        proc.wait(10)
