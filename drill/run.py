"""The conductor: validate, stack, seed, load + faults + operator bot, drain, collect, check.

A newcomer starts reading at `Run.execute`. The run owns the events, the
stack, the one history writer and the run folder; the parts it drives
(fault executor, operator bot, load) only receive what they need.

From stack to drain a `HealthWatch` polls every process: an exit no fault
planned is shown on the console at once and judged (`shop-health`). During
the load a `SaturationSampler` measures the harness's own CPU into
harness.json. Every judged run appends a line to `<out>/index.jsonl`.

Ctrl-C / SIGTERM in any phase raises `Interrupted` in the main thread; the
teardown then stops load and every child in parallel (within ~5 s), heals all
faults, and a partial report is still written: the verdict is inconclusive
(exit 3), also when the signal arrives while the checks run.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import traceback
from pathlib import Path
from types import FrameType

import httpx

from drill import interrupts
from drill.analyze import Analysis, RunState, analyze
from drill.checks.from_scenario import check_spec
from drill.collect import CollectTargets, collect
from drill.console import Progress
from drill.errors import DrillError, Interrupted, LoadError
from drill.events import Events
from drill.faults.abort import AbortMonitor, Trip
from drill.faults.executor import FaultExecutor
from drill.faults.plan import plan as plan_faults
from drill.history import HistoryWriter, merge_histories
from drill.load import LoadPlan, LoadRun, record_final_catalogue
from drill.load.from_scenario import load_plan
from drill.operator_bot import OperatorBot
from drill.options import RunOptions
from drill.report import write_reports
from drill.report.index_page import record_run
from drill.run_meta import new_run_dir, run_meta
from drill.run_result import RunResult
from drill.run_watch import StackWatch
from drill.scenario import Scenario
from drill.settle import reference_paid_left, wait_settled
from drill.stack import ADMIN_TOKEN, Stack, StackOptions, admin_headers, seed_stock
from drill.stack.links import print_link_table
from drill.stack.processes import refuse_bad_targets


class Run:
    def __init__(self, scenario: Scenario, opts: RunOptions) -> None:
        self.scenario, self.opts = scenario, opts
        self.events = Events()
        refuse_bad_targets(opts.db, opts.toxiproxy, opts.allow_non_loopback)  # before any folder
        self.run_dir = new_run_dir(opts.out, scenario.name or "drill")
        self.stack = Stack(scenario, StackOptions(
            self.run_dir, db=opts.db, toxiproxy=opts.toxiproxy,
            allow_non_loopback=opts.allow_non_loopback, defects=opts.defects,
            world=opts.world, target_url=opts.target_url))
        self.load: LoadRun | None = None
        self.executor: FaultExecutor | None = None
        self.abort = AbortMonitor(scenario.expect.abort, self.events, self._on_abort)
        self.bot: OperatorBot | None = None
        self.history: HistoryWriter | None = None
        self.phase = "validate"
        self.phases: list[dict[str, object]] = [
            {"name": "validate", "start": time.time(), "end": None}]
        self.errors: list[str] = []
        self.harness_errors: list[str] = []
        self.interrupted = False
        self.interrupted_phase: str | None = None
        self._armed = False
        self.started_at = time.time()
        self.drain: dict[str, object] = {}
        self.progress = Progress(self.events, planned_s=scenario.load.duration + 15,
                                 title=scenario.title,
                                 load_info=lambda: self.load.progress() if self.load else {},
                                 fancy=opts.fancy, lang=opts.lang)
        self.watch = StackWatch(self.stack, self.events, lambda: self.executor,
                                self.progress.alarm)

    def set_phase(self, name: str) -> None:
        now = time.time()
        self.phases[-1]["end"] = now
        self.phases.append({"name": name, "start": now, "end": None})
        self.phase = name
        self.events.phase_changed.fire(name=name, at=now)

    def execute(self) -> RunResult:
        """The whole drill; always ends with a judged run folder."""
        self._prepare_folder()
        with interrupts.handled(self._on_signal) as armed:
            self._armed = armed
            try:
                self._phases()
            except Interrupted as exc:
                self.interrupted = True
                self.errors.append(str(exc))
            except DrillError as exc:
                self._harness_error(str(exc))
            except Exception as exc:
                self._harness_error(f"internal error {exc!r}: {traceback.format_exc(limit=8)}")
            finally:
                self._armed = False
                self._teardown()
                self._collect_history()
                if self.executor is not None:   # a fault not proven: the run is inconclusive
                    self.harness_errors += self.executor.unproven()
            self.set_phase("check")
            analysis = self._judge()
        self.phases[-1]["end"] = time.time()
        self._write_meta()
        self.progress.close()
        if not self.opts.keep_up:
            self.errors += record_run(self.opts.out, self.run_dir, analysis.summary,
                                      self.opts.lang)
        return RunResult(self.run_dir, analysis, self.interrupted, self.errors, self.opts.lang)

    # -- phases ------------------------------------------------------------------
    def _phases(self) -> None:
        self.set_phase("stack")
        self.watch.start_health()
        self.stack.start()
        self._write_meta()
        self.set_phase("seed")
        self._seed()
        if self.opts.keep_up:
            self._serve()
        self.set_phase("load")
        self._load()
        self.set_phase("drain")
        self._drain()
        self.watch.stop_health()
        self._after_drain()
        self.set_phase("collect")
        self._collect()

    # the hooks drill/targets/conduct.py overrides for a shop the harness did not start
    def _seed(self) -> None:
        seed_stock(self.scenario, self.stack.service_url, self.run_dir)

    def _after_drain(self) -> None:
        record_final_catalogue(self.stack.service_url,
                               lambda op: self.events.op_recorded.fire(op=op))

    def _collect(self) -> None:
        collect(self.run_dir, CollectTargets(
            service_url=self.stack.service_url, admin_token=ADMIN_TOKEN,
            gateway_url=self.stack.url("gateway"), suppliers=self.stack.supplier_urls,
            sink_url=self.stack.url("sink"), export=self.opts.export))

    def _prepare_folder(self) -> None:
        for sub in ("config", "logs", "ledgers"):
            (self.run_dir / sub).mkdir(exist_ok=True)
        if self.scenario.path and Path(self.scenario.path).exists():
            shutil.copyfile(self.scenario.path, self.run_dir / "scenario.toml")
        (self.run_dir / "spec.json").write_text(check_spec(self.scenario).to_json(),
                                                encoding="utf-8")
        self.history = HistoryWriter(self.run_dir, self.events)
        self._write_meta()

    def _serve(self) -> None:
        print(json.dumps(self.stack.urls(), indent=1), flush=True)
        print_link_table(self.stack.links, self.opts.lang)   # where a shop's config points
        self.progress.say(self.progress.word("stack_up"))
        threading.Event().wait(7 * 24 * 3600)   # until a signal raises Interrupted

    def _load(self) -> None:
        try:
            plan = self._load_plan()
            self.load = LoadRun(plan, self.run_dir,
                                allow_non_loopback=self.opts.allow_non_loopback,
                                on_op=self.abort.observe if self.abort.rules else None)
        except ValueError as exc:
            raise LoadError(f"{self.scenario.path}: [load] cannot be run: {exc}") from None
        steps = plan_faults(self.scenario.faults, self.scenario.load.duration)
        self.executor = FaultExecutor(steps, self.stack, self.run_dir, self.events)
        (self.run_dir / "faults.jsonl").touch()     # the timeline ran: no line = no fault
        with interrupts.blocked():
            self.load.start()
        self.watch.start_sampler(self.load)
        self._write_meta()
        t0 = self.load.started_at or time.time()
        self.executor.start(t0)
        self.abort.start(t0)
        if self.scenario.operator.enabled:
            self.bot = OperatorBot(self.scenario.operator, self.stack.service_url, self.events)
            self.bot.start(t0)
        deadline = time.monotonic() + plan.hard_deadline_s + 10
        while not self.load.wait(0.5):
            if self.abort.rules:
                self.load.progress()        # feeds the new buyer ops to the stop conditions
            if time.monotonic() > deadline:
                self.load.stop(grace_s=2)
                self.errors.append("load did not finish by its hard deadline; stopped")
                break
        self.watch.stop_sampler(self.run_dir)

    def _load_plan(self) -> LoadPlan:   # drill/targets/conduct.py adds the adapter
        return load_plan(self.scenario, self.stack.service_url, self.stack.url("gateway"))

    def _drain(self) -> None:
        """Heal every fault, then wait (bounded by `settle`) until no paid order is undelivered."""
        assert self.executor is not None
        self.abort.stop()
        self.executor.heal_all()
        settle = self.scenario.expect.settle
        with httpx.Client(base_url=self.stack.service_url, timeout=5,
                          headers=admin_headers()) as client:
            left = wait_settled(lambda: reference_paid_left(client), settle, self.stack,
                                self.watch.shop_down)
        if self.bot is not None:
            self.bot.stop()
        self.drain = {"settle_s": settle, "unsettled_paid": left, "settled": left == 0}

    def _on_abort(self, trip: Trip) -> None:
        """A stop condition held (monitor thread): stop the load, heal every fault at once."""
        self._harness_error(trip.describe())
        if self.load is not None:
            self.load.stop(grace_s=2)
        if self.executor is not None:
            self.executor.heal_all(timeout_s=5, reason=trip.describe())

    def _teardown(self) -> None:
        self.watch.stop_health()
        self.watch.stop_sampler(self.run_dir)
        fast = self.interrupted
        grace = 1.5 if fast else 3.0
        self.abort.stop()
        if self.bot is not None:
            self.bot.stop(1.0)
        stopper = None
        if self.load is not None:
            stopper = threading.Thread(target=self.load.stop, kwargs={"grace_s": grace},
                                       daemon=True)
            stopper.start()
        if self.executor is not None:
            self.executor.heal_all(timeout_s=2.0, restart_killed=not fast,
                                   reason="interrupted" if fast else None)
        self.errors += self.stack.stop(grace=grace, parallel=fast)
        if stopper is not None:
            stopper.join(grace + 6)

    def _collect_history(self) -> None:
        """Every writer has stopped: close ours and fold in the buyers' files, once."""
        if self.history is not None:
            self.history.close()
        parts = self.load.history_parts() if self.load is not None else []
        merge_histories(self.run_dir / "history.jsonl", parts)

    def _judge(self) -> Analysis:
        """Analyze and write the reports; again if Ctrl-C arrived meanwhile (at most twice:
        `interrupted` only turns on), so an interrupted check phase never ends in PASS."""
        while True:
            self._write_meta()      # the report reads meta.json (phases, toxiproxy, errors)
            state = self._state()
            analysis = analyze(self.run_dir, state)
            write_reports(self.run_dir, analysis, self.opts.lang)
            if self.interrupted == state.interrupted:
                return analysis

    def _state(self) -> RunState:
        return RunState(self.interrupted, self.interrupted_phase, tuple(self.harness_errors),
                        self.watch.health is not None,
                        tuple(e.to_dict() for e in self.watch.unplanned))

    def _harness_error(self, text: str) -> None:
        self.errors.append(text)
        self.harness_errors.append(text)

    # -- signals and meta ------------------------------------------------------
    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        name = interrupts.signal_name(signum)
        if self._armed and not self.interrupted:
            self._armed = False
            self.interrupted, self.interrupted_phase = True, self.phase
            self.events.stopping.fire(reason=f"{name} during {self.phase}", at=time.time())
            raise Interrupted(f"{name} received during phase {self.phase}; run stopped")
        self.interrupted = True
        self.interrupted_phase = self.interrupted_phase or self.phase

    def _write_meta(self) -> None:
        meta = run_meta(self, time.time())
        (self.run_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
