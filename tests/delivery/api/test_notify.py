"""epay notify in process: sign, pid, amount, duplicates, and a trade number reused for
another order; every refusal answers `fail: <reason>` (never `success`) and is logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from delivery.epay import sign
from tests.delivery.conftest import KEY, notify_params
from tests.delivery.inproc import shop
from tests.waiting import wait_until


def test_trade_no_of_another_order_is_refused_with_the_reason(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-A", "K-C"])
        a, c = s.order(), s.order()
        assert s.pay(a, trade_no="T-SHARED").text == "success"
        with caplog.at_level(logging.WARNING, logger="delivery"):
            r = s.pay(c, trade_no="T-SHARED")  # validly signed, C's number, A's trade
        assert r.status_code == 409 and r.text.startswith("fail: trade_no_reused")
        assert "success" not in r.text and c["order_no"] in r.text
        assert any("trade_no_reused" in m and c["order_no"] in m for m in caplog.messages)
        assert s.status(c)["status"] == "pending_payment"
        assert wait_until(lambda: s.status(a)["delivered"], timeout=10, what="A delivered")
        ex = s.admin("GET", "/admin/export").json()
        assert [p["order_no"] for p in ex["payments"]] == [a["order_no"]]
        metrics = s.client.get("/metrics").text
        assert 'faka_payment_anomalies_total{kind="trade_no_reused"} 1.0' in metrics
        alerts = wait_until(lambda: s.admin("GET", "/admin/alerts").json()["alerts"],
                            timeout=10, what="payment_anomaly alert")
        assert alerts[0]["rule"] == "payment_anomaly" and "trade_no_reused=1" in \
            alerts[0]["message"]
        assert s.pay(a, trade_no="T-SHARED").text == "success"  # A's own duplicate: fine


def test_bad_sign_pid_amount_and_form_change_nothing(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-1"])
        o = s.order()
        good = notify_params(o["order_no"], o["amount"])
        cases = [
            ({**good, "sign": "签名" * 8}, 400, "bad signature"),  # non-ASCII sign
            ({**good, "money": "0.01"}, 400, "bad signature"),  # signed for 50.00
            (notify_params(o["order_no"], "0.01"), 400, "amount_mismatch"),
            (notify_params(o["order_no"], "NaN"), 400, "amount_mismatch"),
            (notify_params(o["order_no"], "1e999999999"), 400, "amount_mismatch"),
            (notify_params("nope", "50.00"), 404, "unknown_order"),
            (notify_params(o["order_no"], o["amount"], key="other"), 400, "bad signature"),
            ({k: v for k, v in good.items() if k != "sign"}, 400, "missing ['sign']"),
        ]
        wrong_pid = {**good, "pid": "9"}
        wrong_pid["sign"] = sign(wrong_pid, KEY)
        cases.append((wrong_pid, 400, "wrong pid"))
        for params, status, why in cases:
            for send in (s.client.get, s.client.post):
                r = send("/notify/epay", params=params) if send == s.client.get else \
                    send("/notify/epay", data=params)
                assert r.status_code == status and r.text == f"fail: {why}", (params, r.text)
        r = s.client.post("/notify/epay", content=b"\xff\xfe=\xff&sign=\xc3",
                          headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400 and r.text.startswith("fail: missing")
        r = s.client.post("/notify/epay", content=b"a=" + b"x" * 20_000)
        assert r.status_code == 413 and r.json()["status"] == 413
        assert s.status(o)["status"] == "pending_payment"
        assert s.admin("GET", "/admin/export").json()["payments"] == []
