"""Buyer care and time scale, real processes at time_scale 600: one delay notice per late
order (zh by default, en, coupon), none for a fast order, token-only reads, expiry."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.defects import Defects
from delivery.metrics import Metrics
from delivery.notices import send_due
from delivery.store import jobs, orders, payments
from runtime import ManagedProcess
from tests.delivery._fakes import SCALE, behave, ledger
from tests.delivery.conftest import base_config, notify_params
from tests.waiting import wait_until


def _cfg(db_url: str, sink: ManagedProcess, **over: Any) -> dict[str, Any]:
    return base_config(db_url, time_scale=SCALE, buyer_mail_url=sink.url + "/mail/send",
                       order_expiry_s=6000, **over)


def _paid(svc: Any, product: str, contact: str) -> dict[str, Any]:
    o = svc.order(product, contact=contact)
    r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
    assert r.text == "success"
    return o


def _mails(sink: ManagedProcess, order_no: str) -> list[dict[str, Any]]:
    return [m for m in ledger(sink, "mails") if m.get("order_no") == order_no]


def test_late_order_one_chinese_notice_fast_order_none(service_factory: Any, tmp_path: Any,
                                                        sink: ManagedProcess,
                                                        supplier: ManagedProcess) -> None:
    # the supplier takes 1.5 s wall (15 scenario minutes); the notice is due after 120 s (0.2 s)
    behave(supplier, latency_ms=1500)
    cfg = _cfg(f"sqlite:///{tmp_path}/s.sqlite3", sink,
               suppliers={"primary": {"url": supplier.url}},
               supplier_policy={"timeout_s": 5, "max_attempts": 1},
               worker={"lease_s": 6000, "concurrency": 8, "poll_s": 0.02})
    svc = service_factory(cfg)
    svc.import_keys(1)
    fast = _paid(svc, "steam-50", "fast@x.cn")
    slow = _paid(svc, "apple-100", "slow@x.cn")
    path = f"/api/orders/{slow['order_no']}"
    # before delivery: status readable with the token, cards not yet, nothing without it
    assert svc.http.get(path, params={"token": slow["token"]}).json()["status"] == "paid"
    assert svc.http.get(path + "/cards", params={"token": slow["token"]}).status_code == 409
    for params in ({"token": fast["token"]}, {"token": ""}, {}):
        r = svc.http.get(path, params=params)
        assert r.status_code == 404 and "token" in r.json()["error"]
        assert svc.http.get(path + "/cards", params=params).status_code == 404
    mail = wait_until(lambda: _mails(sink, slow["order_no"]), timeout=10)[0]
    assert mail["to"] == "slow@x.cn" and mail["kind"] == "delay_notice"
    assert slow["order_no"] in mail["subject"] and slow["order_no"] in mail["body"]
    assert "订单" in mail["body"] and "coupon" not in mail

    def delivered() -> bool:
        return bool(svc.http.get(path, params={"token": slow["token"]}).json()["delivered"])
    wait_until(delivered, timeout=10)
    cards = svc.http.get(path + "/cards", params={"token": slow["token"]}).json()["cards"]
    assert cards and cards == ledger(supplier, "purchases")[0]["codes"]
    # once per order (test_delay_notice_once_per_order), none for the fast order
    assert [n["order_no"] for n in svc.export()["notices"]] == [slow["order_no"]]
    assert len(_mails(sink, slow["order_no"])) == 1 and _mails(sink, fast["order_no"]) == []


def test_english_notice_with_coupon(db_url: str, service_factory: Any,
                                    sink: ManagedProcess) -> None:
    cfg = _cfg(db_url, sink, buyer_notice={"delay_after_s": 120, "locale": "en",
                                           "coupon": "SORRY5"})
    svc = service_factory(cfg, "--role", "api")  # no worker: the paid order waits
    svc.import_keys(1)
    o = _paid(svc, "steam-50", "en@x.cn")
    t_paid = time.time()
    mail = wait_until(lambda: _mails(sink, o["order_no"]), timeout=10)[0]
    assert mail["at"] - t_paid >= 120 / SCALE - 0.02  # not before delay_after_s (0.2 s wall)
    assert mail["coupon"] == "SORRY5" and "SORRY5" in mail["body"]
    assert mail["subject"] == f"Your order {o['order_no']} is being processed"
    assert "Dear customer" in mail["body"] and o["order_no"] in mail["body"]
    assert [n["order_no"] for n in svc.export()["notices"]] == [o["order_no"]]


def test_unpaid_order_expires_and_releases_stock(db_url: str, service_factory: Any) -> None:
    svc = service_factory(base_config(db_url, time_scale=SCALE, order_expiry_s=300))
    svc.import_keys(1)

    def available() -> int:
        return int({p["id"]: p for p in svc.http.get("/api/products").json()}
                   ["steam-50"]["stock_available"])
    t0 = time.time()
    o = svc.order()
    assert 300 / SCALE - 0.05 < o["expires_at"] - t0 < 300 / SCALE + 0.5  # 300 s = 0.5 wall s
    assert available() == 0
    assert svc.http.post("/api/orders", json={"product_id": "steam-50", "quantity": 1,
                                              "contact": "b@x.cn"}).status_code == 409
    wait_until(lambda: available() == 1, timeout=5)
    assert time.time() - t0 >= 300 / SCALE - 0.05
    st = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]}).json()
    assert st["status"] == "expired"
    svc.order()  # the released key sells again


def test_delay_notice_once_per_order(tmp_path: Path) -> None:
    """Literal data and clock: due after delay_after_s, queued once, HTTP payload kept."""
    cfg = Config.model_validate(base_config(f"sqlite:///{tmp_path}/n.sqlite3",
                                            buyer_mail_url="http://127.0.0.1:9/mail/send"))
    db = Db(cfg.db_url)
    db.create_schema()
    ctx = Ctx(cfg=cfg, db=db, defects=Defects([]), metrics=Metrics())
    product = cfg.product("apple-100")
    assert product is not None
    t0 = 1_800_000_000.0
    try:
        o = db.tx_sync(orders.create, ctx, product, 1, "late@x.cn", "", "ok", t0)
        assert db.tx_sync(payments.apply, ctx, "T1", o["order_no"], o["amount"], t0) == "paid"
        assert db.tx_sync(send_due, ctx, t0 + 119) == 0  # delay_after_s is 120
        assert db.tx_sync(send_due, ctx, t0 + 121) == 1
        assert db.tx_sync(send_due, ctx, t0 + 500) == 0  # never twice
        [job] = db.tx_sync(jobs.claim, ("mail",), "t", t0 + 500, 30.0, 10)
        payload = json.loads(job["payload"])
        assert payload["url"] == "http://127.0.0.1:9/mail/send"
        assert payload["body"]["to"] == "late@x.cn" and payload["body"]["kind"] == "delay_notice"
    finally:
        db.close()
