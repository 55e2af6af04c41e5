"""The conductor: validate -> stack -> seed -> load + faults -> drain -> collect -> check -> report.

Ctrl-C / SIGTERM in any phase raises `Interrupted` in the main thread; the
teardown then stops load and every child in parallel (within ~5 s), heals all
faults, and a partial report is still written (interrupted=true, verdict fail).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from drill.errors import DrillError, Interrupted, LoadError
from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import plan as plan_faults
from drill.judge import judge, write_spec
from drill.mapping import ADMIN_TOKEN, to_load_plan
from drill.operator import OperatorBot
from drill.progress import Progress
from drill.scenario import Scenario
from drill.stack import Stack, StackOptions
from drill.stock import seed_stock

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class RunOptions:
    out: Path = Path("reports")
    db: str | None = None
    toxiproxy: str | None = None
    defects: tuple[str, ...] = ()
    allow_non_loopback: bool = False
    fancy: bool | None = None
    keep_up: bool = False                     # `serve`: stay up after seeding until interrupted


@dataclass
class RunResult:
    run_dir: Path
    exit_code: int
    interrupted: bool
    summary_line: str
    errors: list[str] = field(default_factory=list)


def new_run_dir(out: Path, name: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        path = out / f"{stamp}-{name}" if n == 0 else out / f"{stamp}-{name}-{n}"
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise DrillError(f"cannot create a run folder under {out}", hint="clean up old runs")


class Run:
    def __init__(self, scenario: Scenario, opts: RunOptions) -> None:
        self.scenario, self.opts = scenario, opts
        self.events = Events()
        self.run_dir = new_run_dir(opts.out, scenario.name or "drill")
        self.stack = Stack(scenario, StackOptions(
            self.run_dir, db=opts.db, toxiproxy=opts.toxiproxy,
            allow_non_loopback=opts.allow_non_loopback, defects=opts.defects))
        self.load: Any = None
        self.executor: FaultExecutor | None = None
        self.bot: OperatorBot | None = None
        self.phase, self.phases = "validate", [{"name": "validate", "start": time.time(),
                                                "end": None}]
        self.errors: list[str] = []
        self.interrupted, self.harness_error = False, False
        self._armed = False
        self.started_at = time.time()
        self.drain: dict[str, Any] = {}
        planned = scenario.load.duration + 15
        self.progress = Progress(self.events, planned_s=planned, title=scenario.title,
                                 load_info=lambda: self.load.progress() if self.load else {},
                                 fancy=opts.fancy)

    # -- phases ------------------------------------------------------------------
    def set_phase(self, name: str) -> None:
        now = time.time()
        self.phases[-1]["end"] = now
        self.phases.append({"name": name, "start": now, "end": None})
        self.phase = name
        self.events.phase_changed.fire(name=name, at=now)

    def execute(self) -> RunResult:
        self._prepare_folder()
        with self._signals():
            try:
                self.set_phase("stack")
                self.stack.start()
                self._write_meta()
                self.set_phase("seed")
                seed_stock(self.scenario, self.stack.service_url, self.run_dir)
                if self.opts.keep_up:
                    self._serve()
                self.set_phase("load")
                self._load()
                self.set_phase("drain")
                self._drain()
                self.set_phase("collect")
                self._collect()
            except Interrupted as exc:
                self.interrupted = True
                self.errors.append(str(exc))
            except DrillError as exc:
                self.harness_error = True
                self.errors.append(str(exc))
            except Exception as exc:
                self.harness_error = True
                self.errors.append(f"internal error {exc!r}: {traceback.format_exc(limit=8)}")
            finally:
                self._armed = False
                self._teardown()
            self.set_phase("check")
            self._write_meta()  # the report reads meta.json (interrupted, phases, toxiproxy)
            exit_code, line = judge(self.run_dir, interrupted=self.interrupted,
                                    harness_errors=self.errors if self.harness_error else [],
                                    phase=self._interrupted_phase())
        if self.harness_error and not self.interrupted:
            exit_code = 2
        self.phases[-1]["end"] = time.time()
        self._write_meta()
        self.progress.close()
        return RunResult(self.run_dir, exit_code, self.interrupted, line, self.errors)

    def _prepare_folder(self) -> None:
        for sub in ("config", "logs", "ledgers"):
            (self.run_dir / sub).mkdir(exist_ok=True)
        if self.scenario.path and Path(self.scenario.path).exists():
            shutil.copyfile(self.scenario.path, self.run_dir / "scenario.toml")
        write_spec(self.scenario, self.run_dir)
        (self.run_dir / "history.jsonl").touch()
        self._write_meta()

    def _serve(self) -> None:
        print(json.dumps(self.stack.urls(), indent=1), flush=True)
        self.progress.say("stack is up; press Ctrl-C to stop")
        threading.Event().wait(7 * 24 * 3600)   # until a signal raises Interrupted

    def _load(self) -> None:
        try:
            plan = to_load_plan(self.scenario, self.stack.service_url, self.stack.url("gateway"))
            from drill.load import LoadRun

            self.load = LoadRun(plan, self.run_dir,
                                allow_non_loopback=self.opts.allow_non_loopback)
        except ValueError as exc:
            raise LoadError(f"{self.scenario.path}: [load] cannot be run: {exc}") from None
        steps = plan_faults(self.scenario.faults, self.scenario.load.duration)
        self.executor = FaultExecutor(steps, self.stack, self.run_dir, self.events)
        with _signals_blocked():
            self.load.start()
        self._write_meta()
        t0 = self.load.started_at or time.time()
        self.executor.start(t0)
        if self.scenario.operator.enabled:
            self.bot = OperatorBot(self.scenario.operator, self.stack.service_url, self.run_dir,
                                   self.events)
            self.bot.start(t0)
        deadline = time.monotonic() + plan.hard_deadline_s + 10
        while not self.load.wait(0.5):
            if time.monotonic() > deadline:
                self.load.stop(grace_s=2)
                self.errors.append("load did not finish by its hard deadline; stopped")
                break

    def _drain(self) -> None:
        assert self.executor is not None
        self.executor.heal_all()
        settle = self.scenario.expect.settle
        deadline, left = time.monotonic() + settle, -1
        with httpx.Client(base_url=self.stack.service_url, timeout=5,
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as client:
            for _ in range(int(settle / 0.25) + 2):
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    r = client.get("/admin/orders", params={"status": "paid", "limit": 500})
                    left = len(r.json().get("orders", []))
                if left == 0 or time.monotonic() > deadline:
                    break
                threading.Event().wait(0.25)
        if self.bot is not None:
            self.bot.stop()
        self.drain = {"settle_s": settle, "unsettled_paid": left, "settled": left == 0}

    def _collect(self) -> None:
        from drill.collect import CollectTargets, collect
        from drill.load.history import merge_histories

        collect(self.run_dir, CollectTargets(
            service_url=self.stack.service_url, admin_token=ADMIN_TOKEN,
            gateway_url=self.stack.url("gateway"), suppliers=self.stack.supplier_urls,
            sink_url=self.stack.url("sink")))
        history = self.run_dir / "history.jsonl"
        merge_histories([history], history)

    def _teardown(self) -> None:
        fast = self.interrupted
        grace = 1.5 if fast else 3.0
        if self.bot is not None:
            self.bot.stop(1.0)
        stopper = None
        if self.load is not None:
            stopper = threading.Thread(target=self.load.stop, kwargs={"grace_s": grace},
                                       daemon=True)
            stopper.start()
        if self.executor is not None:
            self.executor.heal_all(timeout_s=2.0, restart_killed=not fast)
        self.errors += self.stack.stop(grace=grace, parallel=fast)
        if stopper is not None:
            stopper.join(grace + 6)

    # -- signals -------------------------------------------------------------------
    def _interrupted_phase(self) -> str | None:
        return self._phase_at_interrupt if self.interrupted else None

    _phase_at_interrupt: str | None = None

    def _on_signal(self, signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        if self._armed and not self.interrupted:
            self._armed = False
            self._phase_at_interrupt = self.phase
            self.events.stopping.fire(reason=f"{name} during {self.phase}", at=time.time())
            raise Interrupted(f"{name} received during phase {self.phase}; run stopped")
        self.interrupted = True
        self._phase_at_interrupt = self._phase_at_interrupt or self.phase

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        old = {s: signal.signal(s, self._on_signal) for s in _SIGNALS}
        self._armed = True
        try:
            yield
        finally:
            for s, h in old.items():
                signal.signal(s, h)

    def _write_meta(self) -> None:
        now = time.time()
        meta = {
            "run_id": self.run_dir.name, "scenario": self.scenario.name,
            "title": self.scenario.title, "tags": list(self.scenario.tags),
            "seed": self.scenario.seed, "time_scale": self.scenario.time_scale,
            "db": self.stack.db_kind,
            "toxiproxy": {k: v for k, v in self.stack.toxiproxy_info.items() if k != "binary"},
            "defects": sorted(set(self.scenario.service.defects) | set(self.opts.defects)),
            "started_at": self.started_at, "ended_at": now,
            "wall_s": round(now - self.started_at, 3), "phases": self.phases,
            "interrupted": self.interrupted, "interrupted_phase": self._interrupted_phase(),
            "errors": self.errors, "drain": self.drain, "urls": self.stack.urls(),
            "pid": os.getpid(),
            "pids": {**{n: p.pid for n, p in self.stack.components.items()},
                     **({"locust": self.load.popen.pid}
                        if self.load is not None and self.load.popen else {})},
        }
        (self.run_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT/SIGTERM across a spawn so a child is never started but unrecorded."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
