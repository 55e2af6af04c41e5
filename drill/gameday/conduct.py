"""The game day itself: the conductor's `Run` of the scenario at a speed (not a fork: the
exercise only listens to its phases), plus the board, the recorder, an optional bot, and
the scorecard at the end.

The exercise ends by itself at its planned end (the load's duration), on the board's end
button (the load is stopped, then drain, collect and judge run as usual), or on Ctrl-C.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from drill.gameday.board import Board
from drill.gameday.bots import BOTS, Bot
from drill.gameday.recorder import OrderSource, Recorder
from drill.gameday.records import PLAN_FILE, read_record
from drill.gameday.scorecard import write_scorecard
from drill.gameday.scoring import Score, score
from drill.gameday.setup import Plan, at_speed, not_applied
from drill.gameday.text import t
from drill.gameday.view import board_state
from drill.options import RunOptions
from drill.scenario import Scenario
from drill.stack import ADMIN_TOKEN
from drill.targets import HttpxClient, NotSupported, StepError
from drill.targets.conduct import TargetRun, make_run

__all__ = ["GameDayRun", "Outcome"]

T0_WAIT_S = 120.0


class Outcome:
    def __init__(self, run_dir: Path, score: Score | None, drill_code: int, page: Path | None,
                 interrupted: bool, errors: list[str]) -> None:
        self.run_dir, self.score, self.drill_code = run_dir, score, drill_code
        self.page, self.interrupted, self.errors = page, interrupted, errors

    @property
    def exit_code(self) -> int:
        """0 full marks, 1 a step failed, 3 interrupted/unknown, the drill's 2/3 first."""
        if self.interrupted or self.score is None or self.drill_code == 2:
            return 3 if self.drill_code != 2 else 2
        if any(s.passed is False for s in self.score.steps):
            return 1
        return 0 if self.score.full_marks else 3


class GameDayRun:
    def __init__(self, scenario: Scenario, opts: RunOptions, plan: Plan, *, lang: str,
                 bot: str | None = None, port: int = 0, audit: bool = True) -> None:
        self.plan, self.lang = plan, lang
        self.audit = audit and not opts.external   # a shop the user started: outside records
        self.scenario = at_speed(scenario, plan.incident, plan.speed, plan.seed)
        self.run = make_run(self.scenario, opts)     # a TargetRun under --target-url
        self.admin_token = dict(opts.target_options).get("admin_token", ADMIN_TOKEN)
        self.run.events.phase_changed.add_listener(self._on_phase)
        self.token = secrets.token_urlsafe(16)
        self.board = Board(self, port)
        self.recorder: Recorder | None = None
        self.bot_name = bot
        self.bot: Bot | None = None
        self.ended: str | None = None
        self.end_wall: float | None = None
        self.t0: float | None = None
        self.collected: float | None = None
        self.scorecard: str | None = None
        self._lock = threading.Lock()

    # -- the board's Exercise protocol ---------------------------------------------
    def state(self) -> dict[str, Any]:
        rec = self.recorder
        if rec is None:
            from drill.gameday.recorder import Snapshot
            return board_state(self.plan, Snapshot(), None, time.time(), self.ended)
        with rec.lock:
            return board_state(self.plan, rec.snap, rec.clock, time.time(), self.ended,
                               self.scorecard)

    def end(self, reason: str) -> None:
        """End the exercise now (board button): stop the buyers; drain and judge follow."""
        with self._lock:
            if self.ended:
                return
            self.ended, self.end_wall = reason, time.time()
        self.run.progress.say(t(self.lang, "board.ended"))
        load = self.run.load
        if load is not None:
            threading.Thread(target=load.stop, kwargs={"grace_s": 2}, daemon=True).start()

    # -- phases --------------------------------------------------------------------
    def _on_phase(self, name: str, at: float) -> None:
        if name == "seed":
            bo = self.run.stack.service_url.rstrip("/") + "/backoffice/"
            self.run.progress.say(f"back office / 后台: {bo}  (token {self.admin_token})")
        elif name == "load":
            threading.Thread(target=self._await_t0, daemon=True, name="gameday-t0").start()
        elif name == "drain":
            with self._lock:
                if not self.ended:
                    self.ended, self.end_wall = "planned", at
        elif name in ("collect", "check"):
            self._finish_recording()

    def _await_t0(self) -> None:
        deadline = time.monotonic() + T0_WAIT_S
        while time.monotonic() < deadline:
            load = self.run.load
            if load is not None and load.started_at is not None:
                self._begin(load.started_at)
                return
            threading.Event().wait(0.05)

    def _begin(self, t0: float) -> None:
        self.t0 = t0
        stack = self.run.stack
        self.recorder = Recorder(self.plan, stack.service_url.rstrip("/"), stack.url("sink"),
                                 self.run.run_dir, audit=self.audit,
                                 gateway_url=stack.url("gateway"), orders=self._target_orders())
        self.recorder.start(t0)
        if self.bot_name:
            self.bot = BOTS[self.bot_name](self.plan, stack.service_url.rstrip("/"),
                                           stack.url("sink"), self.admin_token)
            self.bot.start({p.id for p in self.scenario.catalogue if p.kind == "local"})

    def _target_orders(self) -> OrderSource | None:
        """A shop under --target-url: its order list through its adapter (None: the admin
        API of the reference shop the harness started)."""
        run = self.run
        if not isinstance(run, TargetRun):
            return None

        def orders(client: httpx.Client) -> list[dict[str, Any]] | None:
            try:
                return [dict(o.raw) for o in run.shop_adapter().admin_orders(HttpxClient(
                    client=client))]
            except (StepError, NotSupported):
                return None
        return orders

    def _finish_recording(self) -> None:
        if self.collected is not None:
            return
        self.collected = time.time()
        if self.bot is not None:
            self.bot.stop()
        if self.recorder is not None:
            self.recorder.stop()
            self.recorder.write()

    # -- the whole exercise ---------------------------------------------------------
    def execute(self) -> Outcome:
        self.board.start()
        self.run.progress.say(f"{t(self.lang, 'board.title')}: {self.board.url}")
        try:
            result = self.run.execute()
            self._finish_recording()
            page, sc = self._judge(result.run_dir)
        finally:
            self.board.stop()
        errors = list(result.errors) + (self.bot.errors[:5] if self.bot else [])
        return Outcome(result.run_dir, sc, result.exit_code, page, result.interrupted, errors)

    def _judge(self, run_dir: Path) -> tuple[Path | None, Score | None]:
        if self.t0 is None:
            return None, None
        now = time.time()
        target = ({"name": self.run.opts.target, "url": self.run.opts.target_url,
                   "not_applied": not_applied(self.plan.incident)}
                  if isinstance(self.run, TargetRun) else None)
        plan = {**self.plan.to_dict(), "t0": self.t0, "end": self.end_wall or now,
                "target": target,
                "collected": self.collected or now, "ended_by": self.ended or "interrupted",
                "audit": self.audit, "bot": self.bot_name,
                "bot_errors": self.bot.errors[:20] if self.bot else []}
        (run_dir / PLAN_FILE).parent.mkdir(exist_ok=True)
        (run_dir / PLAN_FILE).write_text(json.dumps(plan, indent=1, ensure_ascii=False),
                                         encoding="utf-8")
        plan_read, rec = read_record(run_dir)
        sc = score(rec, self.plan.rules)
        page = write_scorecard(run_dir, self.lang, plan_read, rec, sc)
        self.scorecard = str(page)
        return page, sc
