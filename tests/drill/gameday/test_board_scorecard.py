"""The board in-process (state, hidden cause, CSRF-safe end button, no external assets) and
the scorecard files (both languages, JUnit failures and errors)."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from drill.gameday.board import board_app
from drill.gameday.clock import ScenarioClock, mmss
from drill.gameday.recorder import Snapshot, complains
from drill.gameday.scorecard import write_scorecard
from drill.gameday.scoring import score
from drill.gameday.setup import Plan
from drill.gameday.text import t
from drill.gameday.view import board_state
from tests.drill.gameday.records_lit import RULES, change, good, incident


class FakeExercise:
    token, lang = "tok-123", "zh"

    def __init__(self) -> None:
        self.ended: list[str] = []
        self.plan = Plan(incident(), 60.0, 1, RULES)
        self.snap = Snapshot()
        now = time.time()
        self.clock = ScenarioClock(now - 10.0, 60.0)      # 10 wall s = 10 scenario min
        self.snap.orders = [{"order_no": "A", "status": "paid", "paid_at": now - 2.0}]
        self.snap.alerts = [{"at": now - 1.0, "channel": "dingtalk",
                             "text": "rule=stuck_paid_orders <b>"}]
        self.snap.mails = [{"at": now, "kind": "complaint", "order_no": "A"},
                           {"at": now, "kind": "delay_notice", "order_no": "A"}]
        self.snap.audit = [{"at": now, "operator": "小王", "action": "view",
                            "detail": {"page": "orders"}, "order_no": None, "outcome": "done"}]

    def state(self) -> dict[str, Any]:
        return board_state(self.plan, self.snap, self.clock, time.time(),
                           self.ended[0] if self.ended else None)

    def end(self, reason: str) -> None:
        self.ended.append(reason)


def test_the_board_state_shows_scenario_time_and_hides_the_cause_until_the_end() -> None:
    ex = FakeExercise()
    s = ex.state()
    assert s["timer"].startswith("10:") and s["planned_end"] == "30:00"
    assert s["stuck"] == 1 and s["oldest"].startswith("02:")
    assert s["alerts"][0]["text"] == "[dingtalk] rule=stuck_paid_orders <b>"
    assert s["complaints_total"] == 1 and s["mails"] == {"delay_notice": 1}
    assert s["actions"][0]["what"] == "view orders"
    assert s["cause"] is None
    ex.end("button")
    assert ex.state()["cause"]["en"] == "hung"


def test_the_page_has_no_external_assets_and_the_end_button_needs_its_token() -> None:
    ex = FakeExercise()
    with TestClient(board_app(ex), base_url="http://127.0.0.1:5000") as client:
        page = client.get("/").text
        assert "演练看板" in page and "tok-123" in page
        assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)
        assert client.get("/state").json()["stuck"] == 1
        assert client.post("/end", data={"token": "wrong"}).status_code == 403
        assert client.post("/end", data={"token": "tok-123"},
                           headers={"origin": "http://evil.example"}).status_code == 403
        assert ex.ended == []
        r = client.post("/end", data={"token": "tok-123"}, follow_redirects=False)
        assert r.status_code == 303 and ex.ended == ["button"]


def test_complaints_are_a_seeded_share() -> None:
    picks = [complains(1, f"order-{i}", 0.5) for i in range(400)]
    assert picks == [complains(1, f"order-{i}", 0.5) for i in range(400)]
    assert 150 < sum(picks) < 250
    assert not any(complains(1, f"order-{i}", 0.0) for i in range(50))


def _plan_dict() -> dict[str, Any]:
    plan = Plan(incident(), 60.0, 1, RULES).to_dict()
    return {**plan, "t0": 0.0, "end": 30.0, "collected": 31.0, "ended_by": "planned"}


def test_the_scorecard_files_in_both_languages(tmp_path: Path) -> None:
    rec = change(good(), actions=(*(good().actions or ()),))
    sc = score(change(rec, mails=tuple(m for m in rec.mails if m.kind != "coupon"),
                      actions=tuple(a for a in rec.actions or () if a.action != "coupon")),
               RULES)
    page = write_scorecard(tmp_path, "zh", _plan_dict(), rec, sc)
    text = page.read_text(encoding="utf-8")
    assert text.index("演练计分卡") < text.index("Game day scorecard")     # zh first
    assert "卡死" in text and "hung" in text and mmss(6 * 60) in text
    data = json.loads((tmp_path / "gameday.json").read_text(encoding="utf-8"))
    assert data["grade"] == "B" and data["cause"]["en"] == "hung"
    assert [s["id"] for s in data["steps"] if s["verdict"] == "fail"] == ["coupons"]
    assert data["improve"]["en"] == ["Give buyers who waited over 10 minutes a small coupon."]
    suite = ET.parse(tmp_path / "gameday-junit.xml").getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("9", "1", "0")


def test_a_scorecard_without_audit_log_marks_unknown_as_junit_errors(tmp_path: Path) -> None:
    rec = change(good(), actions=None)
    write_scorecard(tmp_path, "en", _plan_dict(), rec, score(rec, RULES))
    suite = ET.parse(tmp_path / "gameday-junit.xml").getroot()
    assert (suite.get("failures"), suite.get("errors")) == ("0", "3")
    html = (tmp_path / "gameday.html").read_text(encoding="utf-8")
    named = ", ".join(t("en", f"step.{k}") for k in ("acknowledge", "cause_checked",
                                                    "blind_resends"))
    assert "no audit log" in html and named in html
