"""A real browser (Playwright driving Debian's Chromium) on the real shop process: log in,
filter the stuck orders, send the template notice to the delayed buyers, deliver one order by
hand twice — the second click must not deliver again (checked in the export and audit log)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from delivery.db import Db
from delivery.db.schema import orders
from runtime import ManagedProcess
from tests.delivery._fakes import ledger
from tests.delivery.backoffice.browser import ARGS, ensure_chromium
from tests.delivery.conftest import ROOT, Service, base_config, notify_params, start_service
from tests.waiting import wait_until

SCREENSHOT = ROOT / "docs/img/backoffice.png"
UPDATE_ENV = "FAKA_DRILL_UPDATE_SCREENSHOTS"  # =1 rewrites docs/img/backoffice.png


@pytest.fixture(scope="session")
def chromium() -> Path:
    return ensure_chromium()


@pytest.fixture
def shop(tmp_path: Path, sink: ManagedProcess) -> Iterator[Service]:
    cfg = base_config(f"sqlite:///{tmp_path}/shop.sqlite3", time_scale=10.0,
                      buyer_mail_url=f"{sink.url}/mail/send",
                      buyer_notice={"delay_after_s": 86400, "coupon": "SORRY5"})
    svc = start_service(tmp_path, cfg, "--role", "api")  # no worker: paid orders stay stuck
    yield svc
    svc.close()


def paid_order(svc: Service, contact: str) -> str:
    o = svc.order(contact=contact)
    assert svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"])
                        ).text == "success"
    return str(o["order_no"])


def backdate(svc: Service, minutes: float, *order_nos: str) -> None:
    """Age orders by `minutes` scenario minutes, straight in the shop's SQLite file."""
    db = Db(svc.cfg["db_url"])
    shift = minutes * 60.0 / svc.cfg["time_scale"]

    def tx(conn: Any) -> None:
        conn.execute(update(orders).where(orders.c.order_no.in_(order_nos)).values(
            created_at=orders.c.created_at - shift, paid_at=orders.c.paid_at - shift))
    db.tx_sync(tx)
    db.close()


def test_operator_rehearses_the_golden_30_minutes(chromium: Path, shop: Service,
                                                  sink: ManagedProcess, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shop.import_keys(5)
    late = [paid_order(shop, "a@x.cn"), paid_order(shop, "b@x.cn")]
    fresh = paid_order(shop, "c@x.cn")
    backdate(shop, 14, *late)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{shop.url}/backoffice/login")
        page.fill("#operator", "小王")
        page.fill("#token", "drill-admin")
        page.click("#login")
        page.select_option("#group", "stuck")
        page.fill("#older", "10")
        page.click("#apply")
        expect(page.locator("#summary")).to_contain_text("共 2 笔订单")
        listed = page.locator("#orders a").all_inner_texts()
        assert sorted(listed) == sorted(late) and fresh not in listed
        page.screenshot(path=str(tmp_path / "1-stuck-orders.png"), full_page=True)

        page.click("text=买家通知")
        page.check("#target-delayed")
        page.fill("#older", "10")
        page.fill("#minutes", "15")
        page.click("#do-notice")
        expect(page.locator("#outcome")).to_contain_text("已通知 2 个买家")
        page.screenshot(path=str(tmp_path / "2-notice.png"), full_page=True)
        mails = wait_until(lambda: ledger(sink, "mails")[:2] if len(ledger(sink, "mails")) >= 2
                           else [], timeout=20, what="the two delay notices in the mail sink")
        assert sorted(m["order_no"] for m in mails) == sorted(late)
        assert all("SORRY5" in m["body"] and "15分钟内" in m["body"] for m in mails)

        page.goto(f"{shop.url}/backoffice/orders/{late[0]}")
        page.click("#do-deliver")
        expect(page.locator("#outcome")).to_contain_text("已发货,卡密:")
        page.click("#do-deliver")
        expect(page.locator("#outcome")).to_contain_text("本次未做任何操作")
        page.screenshot(path=str(tmp_path / "3-delivered-twice.png"), full_page=True)
        page.goto(f"{shop.url}/backoffice/orders?group=stuck&older=10")
        shot = tmp_path / "4-after.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()

    ex = shop.export()
    assert [d["order_no"] for d in ex["deliveries"]] == [late[0]]
    audit = shop.admin("GET", "/admin/audit").json()["audit"]
    deliveries = [(a["outcome"], a["operator"]) for a in audit if a["action"] == "deliver"]
    assert deliveries == [("done", "小王"), ("noop", "小王")]
    assert any(a["action"] == "notice" and sorted(a["detail"]["sent"]) == sorted(late)
               for a in audit)
    assert re.fullmatch(r"\d+(\.\d+)?", str(audit[0]["at"]))
    if os.environ.get(UPDATE_ENV) == "1" or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "3-delivered-twice.png", SCREENSHOT)
