"""The notify handler in process: what the reference shop refuses, and what each notify
defect of the bug zoo lets through (the drills prove them end to end)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from delivery.epay import sign
from tests.delivery.conftest import KEY, notify_params
from tests.delivery.inproc import Shop, shop


def _signed(params: dict[str, str], **change: str) -> dict[str, str]:
    p = {k: v for k, v in params.items() if k not in ("sign", "sign_type")}
    p.update(change)
    return {**p, "sign": sign(p, KEY), "sign_type": "MD5"}


def _paid(s: Shop, order: dict[str, Any]) -> bool:
    return s.status(order)["paid_at"] is not None


def test_no_sign_type_and_unpaid_states_are_refused_without_success(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-1"])
        o = s.order()
        good = notify_params(o["order_no"], o["amount"])
        bare = {k: v for k, v in good.items() if k != "sign_type"}
        r = s.client.post("/notify/epay", data=bare)
        assert r.status_code == 400 and "sign_type" in r.text
        for state in ("TRADE_CLOSED", "WAIT_BUYER_PAY", "success"):
            r = s.client.post("/notify/epay", data=_signed(good, trade_status=state))
            assert r.status_code == 400 and "success" not in r.text, (state, r.text)
        assert not _paid(s, o)
        assert s.client.post("/notify/epay", data=good).text == "success"
        assert _paid(s, o)


def test_notify_always_success_answers_success_to_a_forgery(tmp_path: Path) -> None:
    with shop(tmp_path, defects=["notify-always-success"]) as s:
        s.import_keys(["K-1"])
        o = s.order()
        forged = notify_params(o["order_no"], o["amount"], key="not-the-key")
        r = s.client.post("/notify/epay", data=forged)
        assert r.status_code == 200 and r.text == "success"
        assert not _paid(s, o), "it still does not apply the forgery: it only lies about it"


def test_dup_notify_fail_refuses_the_genuine_duplicate(tmp_path: Path) -> None:
    with shop(tmp_path, defects=["dup-notify-fail"]) as s:
        s.import_keys(["K-1"])
        o = s.order()
        assert s.pay(o).text == "success"
        again = s.pay(o)
        assert again.status_code == 409 and "success" not in again.text


def test_notify_ignores_amount_takes_one_cent(tmp_path: Path) -> None:
    with shop(tmp_path, defects=["notify-ignores-amount"]) as s:
        s.import_keys(["K-1"])
        o = s.order()
        r = s.client.post("/notify/epay", data=notify_params(o["order_no"], "0.01"))
        assert r.text == "success" and _paid(s, o)
    (tmp_path / "clean").mkdir()
    with shop(tmp_path / "clean") as s:
        s.import_keys(["K-1"])
        o = s.order()
        r = s.client.post("/notify/epay", data=notify_params(o["order_no"], "0.01"))
        assert r.status_code == 400 and not _paid(s, o)


def test_trade_no_not_bound_lets_another_orders_payment_pay(tmp_path: Path) -> None:
    for defects, bound in (([], True), (["trade-no-not-bound"], False)):
        (tmp_path / str(bound)).mkdir()
        with shop(tmp_path / str(bound), defects=defects) as s:
            s.import_keys(["K-1", "K-2"])
            a, b = s.order(contact="a@x.cn"), s.order(contact="b@x.cn")
            assert s.pay(a, trade_no="T-A").text == "success"
            r = s.pay(b, trade_no="T-A")  # A's trade number, aimed at B
            assert (r.status_code == 409) is bound and _paid(s, b) is not bound
            assert s.pay(a, trade_no="T-A").text == "success"  # A's own duplicate: fine
