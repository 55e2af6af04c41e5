"""LoadRun: run the locustfile as a bounded subprocess and leave load/history-*.jsonl + load.json.

The conductor never imports Locust (it monkey-patches gevent); it drives this
class, which starts `python -m locust --headless` in its own process group,
bounds it twice (Locust's own -t/shape end plus a hard kill deadline), and at
the end writes run_dir/load.json (CONTRACTS §8). The per-process history files
stay in load/; the run merges them into history.jsonl once, at collect.

Three ways to split the load (plan.shares processes, each offered exactly
its share of the arrivals): one process; `processes = N` (Locust forks N
workers); `workers = N` (Locust master/worker: the master here, bound to
$FAKA_DRILL_LOCUST_MASTER_BIND, default 127.0.0.1 on a free port, and
`local_workers` worker processes started here in the master's process group;
the others join from other machines and ship their ops to the master).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from drill.errors import LoadError
from drill.history import count_ops
from drill.load.distributed import MASTER_FILE
from drill.load.plan import LoadPlan, planned_arrivals
from drill.load.progress import ProgressTail
from drill.load.stats import summarise_locust_stats
from runtime.loopback import ensure_loopback
from runtime.orphans import die_with_parent

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MASTER_BIND_ENV = "FAKA_DRILL_LOCUST_MASTER_BIND"  # host:port the master binds (workers mode)
MASTER_READY_S = 30.0


class LoadRun:
    """One load phase. `start()` returns at once; `wait()` / `stop()` end it and finalise."""

    def __init__(self, plan: LoadPlan, run_dir: str | Path, *, allow_non_loopback: bool = False,
                 python: str | None = None,
                 on_op: Callable[[dict[str, Any]], None] | None = None) -> None:
        ensure_loopback(plan.service_url, allow=allow_non_loopback, what="load target service_url")
        ensure_loopback(plan.gateway_url, allow=allow_non_loopback, what="load target gateway_url")
        self.plan = plan
        self.run_dir = Path(run_dir)
        self.work = self.run_dir / "load"
        self.python = python or sys.executable
        self.popen: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.killed = False
        self._log: IO[bytes] | None = None
        self._tail = ProgressTail(self.work, on_op=on_op)  # on_op sees each buyer op once
        self._lock = threading.Lock()
        self._finalised = False
        self._watchdog: threading.Timer | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.master_port: int | None = None
        self.master_host, self._bind_port = (_master_bind(allow_non_loopback) if plan.workers
                                             else ("127.0.0.1", 0))

    # -- lifecycle -------------------------------------------------------------
    def argv(self) -> list[str]:
        p = self.plan
        argv = [self.python, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "-H", p.service_url, "--only-summary", "--loglevel", "WARNING",
                "--json-file", str(self.work / "locust-stats"),
                "--stop-timeout", str(int(p.drain_s) + 1), "--exit-code-on-error", "0"]
        if p.open_model:
            argv += ["-u", str(p.shares), "-r", str(p.shares),
                     "-t", f"{math.ceil(p.duration_s) + 1}s"]
        elif p.shape in ("steps", "flash_sale"):
            pass  # the LoadTestShape in the locustfile drives users and the end
        else:
            argv += ["-u", str(p.users), "-r", str(p.spawn_rate),
                     "-t", f"{max(1, round(p.duration_s))}s"]
        if p.processes > 1:
            argv += ["--processes", str(p.processes)]
        if p.workers:
            argv += ["--master", "--expect-workers", str(p.workers),
                     "--expect-workers-max-wait", str(int(p.join_wait_s)),
                     "--master-bind-host", self.master_host,
                     "--master-bind-port", str(self._bind_port)]
        return argv

    def worker_argv(self) -> list[str]:
        """One worker process joining this run's master (on this box, or on another machine
        with --master-host changed to the harness box's address)."""
        if self.master_port is None:
            raise RuntimeError("worker_argv() before the master announced its port")
        host = "127.0.0.1" if self.master_host in ("0.0.0.0", "") else self.master_host
        return [self.python, "-m", "locust", "-f", str(LOCUSTFILE), "--worker",
                "--master-host", host, "--master-port", str(self.master_port),
                "--loglevel", "WARNING"]

    def start(self) -> None:
        if self.popen is not None:
            raise RuntimeError("LoadRun.start() called twice; make a new LoadRun per load phase")
        self.work.mkdir(parents=True, exist_ok=True)
        for stale in [*self.work.glob("history-*.jsonl"), *self.work.glob("counts-*.json"),
                      *self.work.glob("progress-*.json")]:
            stale.unlink()
        plan_path = self.work / "plan.json"
        plan_path.write_text(self.plan.to_json(), encoding="utf-8")
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        self._log = open(self.run_dir / "logs" / "locust.log", "ab")  # noqa: SIM115
        env = {**os.environ, "FAKA_DRILL_LOAD_PLAN": str(plan_path),
               "FAKA_DRILL_LOAD_DIR": str(self.work), "PYTHONUNBUFFERED": "1",
               # loopback IP literals: resolve inline, not via gevent's thread pool per connect
               "GEVENT_RESOLVER": os.environ.get("GEVENT_RESOLVER", "block")}
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        self.started_at = time.time()
        self.popen = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, env=env, cwd=root,
                                      start_new_session=True, preexec_fn=die_with_parent())
        if self.plan.workers:
            self._start_workers(env, root)
        self._watchdog = threading.Timer(self.plan.hard_deadline_s, self._hard_kill)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _start_workers(self, env: dict[str, str], root: str) -> None:
        """Wait for the master's master.json (its bound port), then start the local workers,
        each in its own session like the master (stop() and the watchdog signal them all)."""
        assert self.popen is not None
        announced = self.work / MASTER_FILE
        deadline = time.monotonic() + MASTER_READY_S
        while not announced.exists():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                self._hard_kill()
                raise LoadError(
                    f"the Locust master did not announce its port in {announced} within "
                    f"{MASTER_READY_S:.0f} s (exit code {self.popen.poll()}); see "
                    f"{self.run_dir / 'logs' / 'locust.log'}")
            threading.Event().wait(0.05)
        self.master_port = int(json.loads(announced.read_text(encoding="utf-8"))["port"])
        local = self.plan.workers - self.plan.remote_workers
        for _ in range(local):
            self.workers.append(subprocess.Popen(
                self.worker_argv(), stdin=subprocess.DEVNULL, stdout=self._log,
                stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True,
                preexec_fn=die_with_parent()))

    def _reap_workers(self, grace_s: float) -> None:
        """The master has ended: give each local worker `grace_s` to write its last ops."""
        deadline = time.monotonic() + grace_s
        for worker in self.workers:
            try:
                worker.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(5)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for Locust to finish; True (and finalised) if it did within `timeout_s`."""
        if self.popen is None:
            return False
        try:
            self.popen.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return False
        self._finalise()
        return True

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM the whole Locust process group, SIGKILL after `grace_s`, then finalise."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(grace_s)
            except subprocess.TimeoutExpired:
                self._hard_kill()
                self.popen.wait(5)
        self._finalise()

    def history_parts(self) -> list[Path]:
        """The per-process op files the Locust processes wrote (merged by the run at collect)."""
        return sorted(self.work.glob("history-*.jsonl"))

    def progress(self) -> dict[str, Any]:
        with self._lock:
            info = self._tail.poll()
        info["elapsed_s"] = round(time.time() - self.started_at, 2) if self.started_at else 0.0
        info["running"] = self.popen is not None and self.popen.poll() is None
        return info

    # -- internals -------------------------------------------------------------
    def _signal(self, sig: int) -> None:
        assert self.popen is not None
        for proc in [self.popen, *self.workers]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, sig)  # its own session: locust and its forked children

    def _hard_kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.killed = True
            self._signal(signal.SIGKILL)

    def _finalise(self) -> None:
        with self._lock:
            if self._finalised:
                return
            self._finalised = True
        if self._watchdog is not None:
            self._watchdog.cancel()
        self._reap_workers(10.0)
        if self._log is not None:
            self._log.close()
            self._log = None
        self.ended_at = time.time()
        parts = self.history_parts()
        counts = _sum_counts(self.work)
        started = sum(count_ops(part, type_="invoke", f="create_order") for part in parts)
        load = {
            "planned_arrivals": planned_arrivals(self.plan) if self.plan.open_model else None,
            "started": started,
            "dropped": counts.get("dropped", 0),
            "processes": self.plan.shares,
            "mode": ("master/worker" if self.plan.workers else
                     "processes" if self.plan.processes > 1 else "single"),
            "shape": self.plan.shape,
            "model": "open" if self.plan.open_model else "closed",
            "plan": json.loads(self.plan.to_json()),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "exit_code": self.popen.returncode if self.popen else None,
            "killed": self.killed,
            "locust_stats": summarise_locust_stats(self.work / "locust-stats.json"),
        }
        (self.run_dir / "load.json").write_text(json.dumps(load, indent=1), encoding="utf-8")


def _master_bind(allow_non_loopback: bool) -> tuple[str, int]:
    """Where a master/worker master binds: $FAKA_DRILL_LOCUST_MASTER_BIND (host:port), else
    127.0.0.1 on a free port; another address needs allow_non_loopback."""
    raw = os.environ.get(MASTER_BIND_ENV, "").strip()
    host, _, port = raw.rpartition(":") if raw else ("127.0.0.1", "", "0")
    if not host or not port.isdigit():
        raise ValueError(f"${MASTER_BIND_ENV}={raw!r} is not host:port, e.g. 0.0.0.0:5557")
    ensure_loopback(f"tcp://{host}:{port}", allow=allow_non_loopback,
                    what=f"Locust master bind (${MASTER_BIND_ENV})")
    return host, int(port)


def _sum_counts(work: Path) -> dict[str, int]:
    total: dict[str, int] = {}
    for path in work.glob("counts-*.json"):
        with contextlib.suppress(OSError, ValueError):
            for key, value in json.loads(path.read_text(encoding="utf-8")).items():
                total[key] = total.get(key, 0) + int(value)
    return total
