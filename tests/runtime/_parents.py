"""Stand-in parents for the orphan tests: start children one way, print their pids, wait.

    python -m tests.runtime._parents popen      one `sleep` child tied with die_with_parent
    python -m tests.runtime._parents fork       two forked children, tie_forked_children
    python -m tests.runtime._parents locust F   `locust -f F --processes 2` tied like LoadRun

The test SIGKILLs this process and checks that no child outlives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from runtime.orphans import die_with_parent, tie_forked_children


def _report(pids: list[int]) -> None:
    print(json.dumps({"children": pids}), flush=True)
    threading.Event().wait(120)  # until the test kills us


def _popen(argv: list[str]) -> None:
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True,
                             preexec_fn=die_with_parent())
    _report([child.pid])


def _fork() -> None:
    tie_forked_children()
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            threading.Event().wait(120)
            os._exit(0)
        pids.append(pid)
    _report(pids)


def main() -> None:
    mode = sys.argv[1]
    if mode == "popen":
        _popen(["sleep", "120"])
    elif mode == "fork":
        _fork()
    elif mode == "locust":
        _popen([sys.executable, "-m", "locust", "-f", sys.argv[2], "--headless", "-u", "2",
                "-r", "2", "-t", "120s", "--processes", "2", "--loglevel", "WARNING"])


if __name__ == "__main__":
    main()
