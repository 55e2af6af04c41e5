"""`gameday --target reference --target-url URL`: the reference shop started by the test as a
user starts it (configured once from the fixed world's addresses), reached only through its
adapter and HTTP. The runbook bot plays at high speed; the scorecard is built from outside
records only and names the steps that need the shop's audit log as unknown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from drill.components import SUPPLIER_LINKS
from drill.gameday.conduct import GameDayRun
from drill.gameday.setup import Plan, at_speed, choose
from drill.options import RunOptions
from drill.scenario import load_scenario
from drill.stack.service_config import ServiceUrls, service_config
from drill.stack.world import LAYOUT, WorldSpec
from drill.stack.world_table import addresses
from runtime import ManagedProcess
from tests.drill.targets.test_target_run import free_base

ROOT = Path(__file__).resolve().parents[3]
SPEED = 60.0
NEED_AUDIT = {"acknowledge", "cause_checked", "blind_resends"}


def test_a_game_day_on_a_shop_the_user_started_scores_from_outside_records(
        tmp_path: Path) -> None:
    s = load_scenario("gameday")
    assert s.gameday is not None
    rules = s.gameday.model_copy(update={"buyers_per_min": 3.0})
    s = s.model_copy(update={"gameday": rules})
    incident = choose(s, 1, None, "notify-failing", target=True)
    base = free_base()
    a = addresses(WorldSpec(base))
    urls = ServiceUrls(public_base_url=a.notify_base, gateway_query_url=a.gateway_api,
                       gateway_public_url=a.gateway_cashier,
                       suppliers={n: a.suppliers[n].url for n in SUPPLIER_LINKS},
                       im_url=a.mail_url.removesuffix("/mail/send"),
                       db_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    # the user's own config, written like the drill's (its reconciler on a 20-minute cron)
    cfg = service_config(at_speed(s, incident, SPEED, 1), urls)
    (tmp_path / "shop.json").write_text(json.dumps(cfg), encoding="utf-8")
    with ManagedProcess("shop", [sys.executable, "-m", "delivery", "--config",
                                 str(tmp_path / "shop.json"), "--port", str(base + len(LAYOUT)),
                                 "--time-scale", str(SPEED)], cwd=ROOT,
                        log_path=tmp_path / "shop.log") as shop:
        opts = RunOptions(out=tmp_path, fancy=False, target="reference", target_url=shop.url,
                          world=WorldSpec(base))
        out = GameDayRun(s, opts, Plan(incident, SPEED, 1, rules), lang="zh", bot="runbook",
                         audit=False).execute()
    assert out.page is not None, out.errors
    card = json.loads((out.run_dir / "gameday.json").read_text(encoding="utf-8"))
    verdicts = {st["id"]: st["verdict"] for st in card["steps"]}
    assert card["audit_log"] is False and card["target"]["url"] == shop.url
    assert card["target"]["not_applied"] == ["service.reconcile"]
    assert set(card["unknown"]) == NEED_AUDIT
    assert {k for k, v in verdicts.items() if v == "unknown"} == NEED_AUDIT
    assert {v for k, v in verdicts.items() if k not in NEED_AUDIT} == {"pass"}, verdicts
    told = next(st for st in card["steps"] if st["id"] == "told_share")["value"]
    assert told["of"] + told["delivered_before_step2"] > 0, (
        "no buyer was delayed: the incident showed nothing")
    assert out.exit_code == 3          # unknown steps: never full marks
    page = out.page.read_text(encoding="utf-8")
    assert "只按外部记录计分" in page and "确认(告警后第一次查看卡单列表)" in page
    assert not (out.run_dir / "gameday" / "audit.jsonl").exists()
