"""Bots prove the scoring on real game days (the whole stack on loopback, --speed 60):
the runbook bot scores full marks, the careless bot fails exactly the steps it breaks.

The fast suite plays one incident each (worker-stalled: every step has something to
judge); the whole pool runs under `slow`. The scorers themselves are guarded step by step
by the literal records in test_scoring.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from drill.gameday.conduct import GameDayRun
from drill.gameday.setup import Plan, choose
from drill.options import RunOptions
from drill.scenario import load_scenario
from tests.postgres import PG_URL, require_postgres

SPEED = 60.0
BUYERS_PER_MIN = 3.0     # fewer buyers than the rehearsal: a bot's every click costs a
                         # scenario second or more at 60x on a busy box
POOL = ("supplier-down", "stock-out", "worker-stalled", "risk-review", "notify-failing")
# the careless bot never looks at the cause, never writes, resends at once
CARELESS_BREAKS = {"cause_checked", "first_notice", "told_share", "blind_resends", "coupons"}
# whether every stuck order still got its keys in time depends on the incident, not on it
DELIVERY_STEPS = {"all_delivered", "over_30"}


def play(tmp_path: Path, incident: str, bot: str | None, *, db: str | None = None,
         speed: float = SPEED, buyers_per_min: float = BUYERS_PER_MIN,
         **kw: Any) -> tuple[Any, dict[str, Any]]:
    s = load_scenario("gameday")
    assert s.gameday is not None
    rules = s.gameday.model_copy(update={"buyers_per_min": buyers_per_min})
    s = s.model_copy(update={"gameday": rules})
    plan = Plan(choose(s, 1, db, incident), speed, 1, rules)
    out = GameDayRun(s, RunOptions(out=tmp_path, fancy=False, db=db), plan, lang="en", bot=bot,
                     **kw).execute()
    assert out.page is not None, out.errors
    return out, json.loads((out.run_dir / "gameday.json").read_text(encoding="utf-8"))


def verdicts(card: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["verdict"] for s in card["steps"]}


def check_runbook(tmp_path: Path, incident: str, **kw: Any) -> tuple[Any, dict[str, Any]]:
    out, card = play(tmp_path, incident, "runbook", **kw)
    assert card["incident"] == incident and card["audit_log"] is True
    assert set(verdicts(card).values()) == {"pass"}, verdicts(card)
    assert card["grade"] == "A" and card["full_marks"] and out.exit_code == 0
    needed = next(s for s in card["steps"] if s["id"] == "acknowledge")["value"]["needed"]
    assert needed, "the incident showed nothing: the run proves nothing"
    for name in ("gameday.html", "gameday-junit.xml", "report.html"):
        assert (out.run_dir / name).exists()
    return out, card


def check_careless(tmp_path: Path, incident: str) -> dict[str, Any]:
    out, card = play(tmp_path, incident, "careless")
    failed = {k for k, v in verdicts(card).items() if v == "fail"}
    assert failed - DELIVERY_STEPS == CARELESS_BREAKS, verdicts(card)
    assert verdicts(card)["acknowledge"] == "pass" and verdicts(card)["duplicates"] == "pass"
    assert out.exit_code == 1 and card["grade"] in ("D", "F")
    blind = next(s for s in card["steps"] if s["id"] == "blind_resends")
    assert blind["value"]["count"] > 0 and blind["orders"]
    return card


def test_the_runbook_bot_scores_full_marks(tmp_path: Path) -> None:
    check_runbook(tmp_path, "worker-stalled")


def test_the_careless_bot_fails_the_steps_it_breaks(tmp_path: Path) -> None:
    check_careless(tmp_path, "worker-stalled")


def test_the_runbook_bot_finds_lost_payments_at_the_gateway(tmp_path: Path) -> None:
    """回调失败: the notifies never arrive; only 补单 delivers in time, and the late notifies
    after the heal deliver nothing twice."""
    out, _ = check_runbook(tmp_path, "notify-failing")
    audit = [json.loads(line) for line in
             (out.run_dir / "gameday" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {no for a in audit if a["action"] == "query_all" for no in a["detail"]["paid"]}
    assert found, "the runbook bot never found a payment at the gateway"
    notifies = [json.loads(line) for line in (out.run_dir / "ledgers" /
                "gateway-notifies.jsonl").read_text(encoding="utf-8").splitlines()]
    late = {n.get("out_trade_no") for n in notifies if n.get("outcome") == "success"} & found
    assert late, "no genuine notify arrived after a 补单: idempotence not exercised"


def test_the_careless_bot_leaves_lost_payments_undelivered(tmp_path: Path) -> None:
    """Without 补单 the shop's 20-minute reconciler is too late for the buyers paid last."""
    card = check_careless(tmp_path, "notify-failing")
    assert verdicts(card)["all_delivered"] == "fail", verdicts(card)


@pytest.mark.slow
@pytest.mark.parametrize("incident", POOL)
def test_the_runbook_bot_scores_full_marks_on_every_incident(tmp_path: Path,
                                                             incident: str) -> None:
    check_runbook(tmp_path, incident)


@pytest.mark.slow
@pytest.mark.parametrize("incident", POOL)
def test_the_careless_bot_fails_on_every_incident(tmp_path: Path, incident: str) -> None:
    check_careless(tmp_path, incident)


@pytest.mark.slow
@pytest.mark.postgres
def test_the_runbook_bot_scores_full_marks_on_a_slow_database(tmp_path: Path) -> None:
    """db-slow (4 s on every query, PostgreSQL only) at --speed 10 and the rehearsal's own
    buyer rate, as `harness.py gameday gameday --incident db-slow --speed 10` plays it:
    every page is slow, so step 2 must not wait for a round of step 3 (about 4 min)."""
    require_postgres()
    s = load_scenario("gameday")
    assert s.gameday is not None
    _, card = check_runbook(tmp_path, "db-slow", db=PG_URL, speed=10.0,
                            buyers_per_min=s.gameday.buyers_per_min)
    told = next(st for st in card["steps"] if st["id"] == "told_share")["value"]
    assert told["of"] > 0, "no buyer was still waiting at step 2: the slow shop hid nothing"
