"""A real game day in a real browser (Playwright driving Debian's Chromium): while the
board updates, the operator (this test) logs into the back office, filters the stuck
orders, sends the template notice, delivers one order by hand twice (the second click
does nothing), sees the board show it, and ends the exercise with the board's button.
Screenshots go to the run folder (and docs/img/gameday-*.png when asked or missing)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from drill.gameday.conduct import GameDayRun, Outcome
from drill.gameday.setup import Plan, choose
from drill.options import RunOptions
from drill.scenario import load_scenario
from drill.stack import admin_headers
from tests.delivery.backoffice.browser import ARGS, ensure_chromium
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
DOCS = {"board": ROOT / "docs/img/gameday-board.png",
        "scorecard": ROOT / "docs/img/gameday-scorecard.png"}
UPDATE_ENV = "FAKA_DRILL_UPDATE_SCREENSHOTS"


@pytest.fixture(scope="module")
def chromium() -> Path:
    return ensure_chromium()


class Exercise:
    """A game day (no bot: people play) running in a thread for the test to join."""

    def __init__(self, tmp_path: Path) -> None:
        s = load_scenario("gameday")
        assert s.gameday is not None
        rules = s.gameday.model_copy(update={"buyers_per_min": 4})
        s = s.model_copy(update={"gameday": rules})
        plan = Plan(choose(s, 1, None, "worker-stalled"), 30.0, 1, rules)
        self.gd = GameDayRun(s, RunOptions(out=tmp_path, fancy=False), plan, lang="zh")
        self.out: Outcome | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.out = self.gd.execute()

    def state(self) -> dict[str, Any]:
        return dict(httpx.get(self.gd.board.url + "state", timeout=5).json())

    @property
    def shop(self) -> str:
        return self.gd.run.stack.service_url.rstrip("/")


def stuck_local_order(ex: Exercise) -> str:
    orders = httpx.get(f"{ex.shop}/admin/orders", params={"status": "paid"},
                       headers=admin_headers(), timeout=5).json()["orders"]
    local = [o["order_no"] for o in orders if o["product_id"] == "steam-50"]
    return str(local[0]) if local else ""


def keep(shot: Path, name: str) -> None:
    if os.environ.get(UPDATE_ENV) == "1" or not DOCS[name].exists():
        DOCS[name].parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS[name])


def test_a_team_plays_the_game_day_in_a_browser(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ex = Exercise(tmp_path)
    ex.thread.start()
    try:
        wait_until(lambda: ex.gd.recorder is not None and ex.state()["stuck"] >= 2,
                   timeout=150, what="two stuck orders on the board")
        order_no = wait_until(lambda: stuck_local_order(ex), timeout=30,
                              what="a stuck Steam order")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(chromium), args=ARGS)
            board = browser.new_page(viewport={"width": 1280, "height": 900})
            board.goto(ex.gd.board.url)
            expect(board.locator("#cause")).to_contain_text("演练结束后揭晓")
            shots = play_operator(browser, ex, order_no, tmp_path)
            expect(board.locator("#actions")).to_contain_text(f"deliver {order_no}",
                                                              timeout=15_000)
            expect(board.locator("#actions")).to_contain_text("notice")
            assert int(board.locator("#stuck").inner_text()) >= 1
            board.screenshot(path=str(shots / "board.png"), full_page=True)
            board.click("#end")
            ex.thread.join(180)
            assert ex.out is not None and ex.out.page is not None, "no scorecard"
            card = browser.new_page(viewport={"width": 1280, "height": 1000})
            card.goto(ex.out.page.as_uri())
            expect(card.locator("section[lang=zh] h1")).to_contain_text("演练计分卡")
            card.screenshot(path=str(shots / "scorecard.png"))
            browser.close()
    finally:
        if ex.thread.is_alive():
            ex.gd.end("test")
            ex.thread.join(120)
    assert ex.out is not None
    run_dir = ex.out.run_dir
    data = json.loads((run_dir / "gameday.json").read_text(encoding="utf-8"))
    assert data["ended_by"] == "button" and data["cause"]["zh"]
    export = json.loads((run_dir / "export.json").read_text(encoding="utf-8"))
    assert [d["order_no"] for d in export["deliveries"]].count(order_no) == 1
    audit = [json.loads(line) for line in
             (run_dir / "gameday/audit.jsonl").read_text(encoding="utf-8").splitlines()]
    mine = [(a["action"], a["outcome"]) for a in audit if a["order_no"] == order_no
            and a["action"] == "deliver"]
    assert mine == [("deliver", "done"), ("deliver", "noop")]
    for name in ("board", "scorecard"):
        assert (shots / f"{name}.png").stat().st_size > 10_000
        keep(shots / f"{name}.png", name)


def play_operator(browser: Any, ex: Exercise, order_no: str, tmp_path: Path) -> Path:
    """The operator's part: login, stuck list, notice to the delayed, deliver twice."""
    from playwright.sync_api import expect

    shots = ex.gd.run.run_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{ex.shop}/backoffice/login")
    page.fill("#operator", "小王")
    page.fill("#token", "drill-admin")
    page.click("#login")
    page.select_option("#group", "stuck")
    page.click("#apply")
    expect(page.locator("#orders")).to_contain_text(order_no)
    page.screenshot(path=str(shots / "1-stuck.png"), full_page=True)
    page.click("text=买家通知")
    page.check("#target-delayed")
    page.fill("#older", "0")
    page.click("#do-notice")
    expect(page.locator("#outcome")).to_contain_text("已通知")
    page.goto(f"{ex.shop}/backoffice/orders/{order_no}")
    page.click("#do-deliver")
    expect(page.locator("#outcome")).to_contain_text("已发货,卡密:")
    page.click("#do-deliver")
    expect(page.locator("#outcome")).to_contain_text("本次未做任何操作")
    page.screenshot(path=str(shots / "2-delivered-twice.png"), full_page=True)
    return shots
