"""Locust buyers for a faka shop; run only as `locust -f drill/load/locustfile.py` by LoadRun.

The plan comes from $FAKA_DRILL_LOAD_PLAN (JSON), output goes to
$FAKA_DRILL_LOAD_DIR: one history-<pid>.jsonl per process plus a
counts-<pid>.json with started/dropped. Which classes exist depends on the
plan, so Locust picks the right ones without CLI class names:

* closed model (constant, steps, flash_sale with rate == 0): `Buyer` users loop
  over order flows back to back; steps/flash_sale add a LoadTestShape.
* open model (arrival_rate, flash_sale with rate > 0): one `ArrivalScheduler`
  user per process starts flows on a fixed schedule in a bounded pool;
  arrivals that find the pool full are *dropped* (k6's dropped_iterations) and
  latency is measured from the intended start (no coordinated omission). The
  scheduler wakes on the buyers' 10 ms grid (buyer.POLL_GRID_S): an arrival
  starts at the first boundary at or after its intended time, with every other
  arrival due by then: at 300/s one wake-up for ~3 arrivals, whose requests then
  also reach the shop, the gateway and the proxy together (bench/harness_cost.py,
  with the gateway's fast path: harness side −15 %). An arrival starts up to 10 ms after
  its intended time; order latency still counts from the intended time, and
  paid→delivered is not affected.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import time
from collections import deque
from typing import Any, ClassVar

import gevent
from gevent.pool import Pool
from locust import LoadTestShape, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser
from locust.runners import LocalRunner

from drill.load.buyer import on_grid, run_flow
from drill.load.distributed import on_master_init, ship_counts, shipper, ships_ops
from drill.load.lean import LeanClient
from drill.load.mix import RECENT_BUYERS, buyer_number, choose, qq_number, snooper_due
from drill.load.op_recorder import OpRecorder
from drill.load.plan import LoadPlan, arrival_offsets, rate_at, users_at
from drill.load.snooper import Victim, run_snooper
from drill.load.target_flow import run_target_flow
from runtime.orphans import tie_forked_children

# Locust imports this file before it forks --processes workers: each dies with its master.
tie_forked_children()

PLAN = LoadPlan.load(os.environ["FAKA_DRILL_LOAD_PLAN"])
OUT_DIR = os.environ["FAKA_DRILL_LOAD_DIR"]
MAX_IN_FLIGHT_CAP = 5000


class _Proc:
    """Per-process state (each Locust worker is its own forked process)."""

    history: OpRecorder | None = None
    runner: Any = None
    started = 0
    dropped = 0
    planned = 0
    seq = 0
    snoopers = 0
    rng = random.Random(PLAN.seed)
    victims: ClassVar[deque[Victim]] = deque(maxlen=32)  # recent orders a snooper may aim at
    returns = random.Random(PLAN.seed + 7919)  # its own stream: the rest of the mix unchanged
    recent: ClassVar[deque[int]] = deque(maxlen=RECENT_BUYERS)  # who may come back


def _writer() -> OpRecorder:
    if _Proc.history is None:
        sink = shipper(_Proc.runner) if ships_ops() and _Proc.runner is not None else None
        _Proc.history = OpRecorder(OUT_DIR, sink=sink)
        _Proc.rng = random.Random(f"{PLAN.seed}-{os.getpid()}")
        gevent.spawn(_flusher)
    return _Proc.history


def _flusher() -> None:
    while True:
        gevent.sleep(0.25)
        if _Proc.history is not None:
            _Proc.history.flush()


def _write_counts() -> None:
    if _Proc.history is None:
        return
    _Proc.history.close()
    counts = {"started": _Proc.started, "dropped": _Proc.dropped, "planned": _Proc.planned}
    if _Proc.history.sink is not None:
        ship_counts(_Proc.runner, counts)
        return
    path = os.path.join(OUT_DIR, f"counts-{os.getpid()}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(counts, fh)


@events.init.add_listener  # type: ignore[untyped-decorator]  # locust's hooks: no hints
def _on_init(environment: Any, **_: Any) -> None:
    _Proc.runner = environment.runner
    on_master_init(environment.runner, OUT_DIR)


@events.quitting.add_listener  # type: ignore[untyped-decorator]  # locust's hooks: no hints
def _on_quitting(environment: Any, **_: Any) -> None:
    _write_counts()


@events.test_stop.add_listener  # type: ignore[untyped-decorator]
def _on_test_stop(environment: Any, **_: Any) -> None:
    _write_counts()


def _per_process_quota() -> int:
    return math.ceil(PLAN.max_orders / max(1, PLAN.shares))


def _end_when_last(runner: Any) -> None:
    """Closed model, quota used up: the last buyer still running ends a local run at once
    (Locust would idle to -t with no users). Workers leave it to their master's -t."""
    if isinstance(runner, LocalRunner) and runner.user_count <= 1:
        gevent.spawn(runner.quit)


def _cheap_client(user: FastHttpUser, concurrency: int) -> None:
    """Give the user the lean client (drill/load/lean.py) unless FAKA_DRILL_LEAN_CLIENT=0;
    either way buyers carry their order token, not cookies: no cookie jar."""
    with contextlib.suppress(AttributeError):
        user.client.client.cookiejar = None
    if os.environ.get("FAKA_DRILL_LEAN_CLIENT", "1") != "0":
        lean = LeanClient(user.environment.events.request.fire, concurrency=concurrency,
                          connection_timeout=user.connection_timeout,
                          network_timeout=user.network_timeout)
        user.lean = lean  # type: ignore[attr-defined]  # our own attribute on the user


def _start_one(user: FastHttpUser, intended_at: float) -> None:
    """Run one flow with this process's next buyer identity."""
    _Proc.seq += 1
    seq, rng = _Proc.seq, _Proc.rng
    pid = os.getpid()
    n = (rng.randrange(PLAN.contacts) if PLAN.contacts > 0
         else buyer_number(seq, PLAN.returning, _Proc.returns, _Proc.recent))
    contact = f"{qq_number(n)}-{pid if PLAN.contacts <= 0 else 0}@drill.test"
    buyer_ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def fire(name: str, ms: float, exc: BaseException | None) -> None:
        events.request.fire(  # type: ignore[no-untyped-call]  # locust's hooks: no hints
            request_type="FLOW", name=name, response_time=ms, response_length=0, exception=exc,
            context={})

    client = getattr(user, "lean", None) or user.client
    choice = choose(PLAN, rng)
    flow = run_target_flow if PLAN.target else run_flow  # an adapter's shop, or the reference
    result = flow(client, PLAN, _writer(), f"buyer-{pid}-{seq}",
                      product=PLAN.products[seq % len(PLAN.products)], contact=contact,
                      buyer_ip=buyer_ip, choice=choice, intended_at=intended_at, fire=fire)
    if result.order_no and result.token:
        _Proc.victims.append((result.order_no, result.token))
    if _Proc.victims and snooper_due(seq, PLAN.snoopers, _Proc.snoopers):
        _Proc.snoopers += 1
        run_snooper(client, PLAN.service_url, _writer(), f"snooper-{pid}-{_Proc.snoopers}",
                    list(_Proc.victims), rng, _Proc.snoopers)


if not PLAN.open_model:

    class Buyer(FastHttpUser):
        """Closed model: one buyer at a time per user, back to back."""

        host = PLAN.service_url
        wait_time = constant(0)
        network_timeout = 10.0
        connection_timeout = 5.0

        def on_start(self) -> None:
            _cheap_client(self, 1)

        @task
        def order(self) -> None:
            if _Proc.started >= _per_process_quota():
                _end_when_last(self.environment.runner)
                raise StopUser()
            _Proc.started += 1
            _start_one(self, time.time())

    if PLAN.shape in ("steps", "flash_sale"):

        class PlanShape(LoadTestShape):
            """Users over time from the plan (flash_sale spike / steps); stops at duration_s."""

            def tick(self) -> tuple[int, float] | None:
                users = users_at(PLAN, self.get_run_time())  # type: ignore[no-untyped-call]
                if users is None:
                    return None
                return users, max(PLAN.spawn_rate, float(users))

else:

    def _max_in_flight() -> int:
        peak = max(rate_at(PLAN, t / 10.0) for t in range(int(PLAN.duration_s * 10) + 1))
        per_proc = peak / PLAN.shares
        return int(min(MAX_IN_FLIGHT_CAP, max(PLAN.users, math.ceil(per_proc * 2.0))))

    class ArrivalScheduler(FastHttpUser):
        """Open model: starts flows at the planned arrival times, whatever is in flight."""

        host = PLAN.service_url
        wait_time = constant(3600)
        network_timeout = 10.0
        connection_timeout = 5.0
        concurrency = _max_in_flight()

        def on_start(self) -> None:
            _cheap_client(self, self.concurrency)

        @task
        def schedule(self) -> None:
            runner = self.environment.runner
            share = int(getattr(runner, "worker_index", 0) or 0) % PLAN.shares
            offsets = arrival_offsets(PLAN, share, PLAN.shares)[: _per_process_quota()]
            _Proc.planned = len(offsets)
            pool = Pool(size=self.concurrency)
            start = time.time()
            for off in offsets:
                intended = start + off
                wait = on_grid(intended) - time.time()  # the 10 ms grid: arrivals start together
                if wait > 0:
                    gevent.sleep(wait)
                if pool.full():
                    _Proc.dropped += 1
                    continue
                _Proc.started += 1
                pool.spawn(_start_one, self, intended)
            pool.join(timeout=PLAN.drain_s)
            pool.kill(block=True, timeout=2)
            _write_counts()
            raise StopUser()
