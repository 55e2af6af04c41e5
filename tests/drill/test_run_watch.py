"""The saturation sampler watches every Locust worker the run started, not only the master."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from drill.events import Events
from drill.run_watch import StackWatch
from tests.waiting import wait_until


def test_local_locust_workers_are_sampled_as_harness(tmp_path: Path) -> None:
    sleepers = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
                for _ in range(3)]
    try:
        stack: Any = SimpleNamespace(components={}, url=lambda name: "http://127.0.0.1:9")
        load: Any = SimpleNamespace(popen=sleepers[0], workers=sleepers[1:])
        watch = StackWatch(stack, Events(), lambda: None, lambda event: None)
        watch.start_sampler(load)
        assert watch.sampler is not None
        assert watch.sampler._pids() == {"locust": sleepers[0].pid,
                                         "locust-worker-1": sleepers[1].pid,
                                         "locust-worker-2": sleepers[2].pid,
                                         "conductor": os.getpid()}
        sampler = watch.sampler
        wait_until(lambda: {"locust-worker-1", "locust-worker-2"} <= set(sampler.samples),
                   timeout=10, what="a CPU sample of each worker")
        watch.stop_sampler(tmp_path)
    finally:
        for p in sleepers:
            p.kill()
            p.wait(5)
    names = {c["name"] for c in json.loads((tmp_path / "harness.json").read_text())["components"]}
    assert {"locust-worker-1", "locust-worker-2"} <= names
