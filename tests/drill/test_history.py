"""history.jsonl has one writer: the bot and the executor publish ops while the load finishes,
and every op is there once after collect (the old temp+rename rewrite lost some)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import drill.scenario  # noqa: F401  first: drill.faults.plan <-> drill.scenario import cycle
from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import FaultStep
from drill.history import HistoryWriter, Op, merge_histories
from drill.load import LoadPlan, LoadRun
from drill.load.op_recorder import OpRecorder
from drill.operator_bot import OperatorBot
from drill.scenario import Operator
from tests.waiting import wait_until

FAULTS, DELIVERIES, BUYER_OPS = 40, 60, 3000


class _Proc:
    """Stands in for a ManagedProcess: pause/resume only record that they happened."""

    def __init__(self) -> None:
        self.paused = False

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False


class _Stack:
    def __init__(self) -> None:
        self.proc = _Proc()

    def processes(self, target: str) -> list[_Proc]:
        return [self.proc]


def _service(request: httpx.Request) -> httpx.Response:
    order_no = request.url.path.split("/")[3]
    return httpx.Response(200, json={"cards": [f"CARD-{order_no}"], "created": True,
                                     "source": "manual"})


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_bot_and_executor_write_while_the_load_finishes_and_no_op_is_lost(
        tmp_path: Path) -> None:
    events = Events()
    writer = HistoryWriter(tmp_path, events)
    steps = [FaultStep(0.0, action, i, "pause", "gateway")
             for i in range(FAULTS) for action in ("inject", "heal")]
    executor = FaultExecutor(steps, _Stack(), tmp_path, events)  # type: ignore[arg-type]
    bot = OperatorBot(Operator(enabled=True), "http://127.0.0.1:9", events)
    plan = LoadPlan(service_url="http://127.0.0.1:9", gateway_url="http://127.0.0.1:9",
                    products=("p",), duration_s=1)
    load = LoadRun(plan, tmp_path)
    recorder = OpRecorder(tmp_path / "load", flush_every=64)

    def buyers() -> None:
        for i in range(BUYER_OPS):
            recorder.op(f"buyer-{i % 7}", "invoke", "create_order", {"n": i})
        recorder.close()

    def operator() -> None:
        with httpx.Client(transport=httpx.MockTransport(_service),
                          base_url="http://shop.test") as client:
            for i in range(DELIVERIES):
                bot._deliver(client, f"O{i}")     # the bot's real action and op publishing

    bot_thread = threading.Thread(target=operator)
    bot_thread.start()
    executor.start(time.time())
    buyers()                                      # the Locust processes, meanwhile
    load._finalise()                              # the load finishes meanwhile (load.json)
    bot_thread.join(30)
    # the timeline must have played every step (heal_all stops it); on a busy box it can
    # still be running when the buyers are done
    played = tmp_path / "faults.jsonl"
    wait_until(lambda: played.exists() and len(_lines(played)) == 2 * FAULTS, timeout=30,
               what="every fault step played")
    executor.heal_all(timeout_s=30)
    writer.close()
    merge_histories(tmp_path / "history.jsonl", load.history_parts())

    ops = _lines(tmp_path / "history.jsonl")
    by_process: dict[str, int] = {}
    for op in ops:
        key = op["process"] if not op["process"].startswith("buyer-") else "buyer"
        by_process[key] = by_process.get(key, 0) + 1
    assert by_process == {"nemesis": 2 * FAULTS, "operator": 2 * DELIVERIES, "buyer": BUYER_OPS}
    assert [op["index"] for op in ops] == list(range(len(ops)))
    assert [op["time"] for op in ops] == sorted(op["time"] for op in ops)
    assert json.loads((tmp_path / "load.json").read_text())["started"] == BUYER_OPS


def test_an_op_after_the_writer_closed_is_refused_not_silently_dropped(tmp_path: Path) -> None:
    events = Events()
    writer = HistoryWriter(tmp_path, events)
    writer.append(op=Op("nemesis", "info", "kill", {}, 1.0))
    writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.append(op=Op("nemesis", "info", "kill", {}, 2.0))
    assert len(_lines(tmp_path / "history.jsonl")) == 1


def test_op_type_is_one_of_invoke_ok_fail_info() -> None:
    with pytest.raises(ValueError, match="invoke, ok, fail, info"):
        Op("buyer-1", "done", "pay", {}, 0.0)  # type: ignore[arg-type]
    op = Op("buyer-1", "ok", "pay", {"order_no": "A"}, 1.5)
    assert Op.from_dict(json.loads(op.to_line())) == op
