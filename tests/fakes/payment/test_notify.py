"""Notify misbehaviours against a real merchant process, switched on at run time with
probability 1. Timing (delays, holds, reordering) is proven on a manual clock in test_clock.py."""

from __future__ import annotations

import httpx

from fakes.payment import epay
from tests.fakes._clients import KEY, arrived, at_least, behave, create_and_pay, ledger
from tests.waiting import wait_until

SCALE = 600.0


def _pay(gateway: str, merchant: str, order: str, path: str = "epay") -> str:
    return create_and_pay(gateway, order, f"{merchant}/notify/{path}")


def test_duplicate_parallel_sends_identical_copies_at_once(gateway: str, merchant: str) -> None:
    behave(gateway, duplicate_parallel=1.0, duplicate_count=2)
    _pay(gateway, merchant, "D-par")
    got = arrived(merchant, 3)
    assert len({tuple(sorted(g["params"].items())) for g in got}) == 1
    items = wait_until(at_least(lambda: ledger(gateway, "notifies"), 3), what="3 ledger items")
    variants = sorted(n["variant"] for n in items)
    assert variants == ["duplicate", "duplicate", "normal"]


def test_bad_sign_amount_off_and_missing_sign_type(gateway: str, merchant: str) -> None:
    behave(gateway, bad_sign=1.0, max_attempts=1)
    _pay(gateway, merchant, "V-bad")
    bad = arrived(merchant, 1)[0]["params"]
    assert not epay.verify(bad, KEY)
    behave(gateway, bad_sign=0.0, amount_off=1.0)
    _pay(gateway, merchant, "V-off")
    off = arrived(merchant, 2)[1]["params"]
    assert off["money"] == "49.99" and epay.verify(off, KEY)
    behave(gateway, amount_off=0.0, missing_sign_type=1.0)
    _pay(gateway, merchant, "V-nst")
    nst = arrived(merchant, 3)[2]["params"]
    assert "sign_type" not in nst and epay.verify(nst, KEY)
    variants = {n["out_trade_no"]: (n["variant"], n["signed"]) for n in ledger(gateway, "notifies")}
    assert variants == {"V-bad": ("bad_sign", False), "V-off": ("amount_off", True),
                        "V-nst": ("missing_sign_type", True)}


def test_finished_sends_a_genuine_trade_finished_notify(gateway: str, merchant: str) -> None:
    """TRADE_FINISHED is a paid state (no refund any more): signed, a plain genuine variant,
    its trade_status in the ledger; with the knob off the notify says TRADE_SUCCESS."""
    _pay(gateway, merchant, "F-off")
    assert arrived(merchant, 1)[0]["params"]["trade_status"] == "TRADE_SUCCESS"
    behave(gateway, finished=1.0)
    _pay(gateway, merchant, "F-on")
    got = arrived(merchant, 2)[1]["params"]
    assert got["trade_status"] == "TRADE_FINISHED" and epay.verify(got, KEY)
    items = wait_until(at_least(lambda: ledger(gateway, "notifies"), 2), what="2 ledger items")
    seen = {n["out_trade_no"]: (n["variant"], n["signed"], n["trade_status"]) for n in items}
    assert seen == {"F-off": ("normal", True, "TRADE_SUCCESS"),
                    "F-on": ("normal", True, "TRADE_FINISHED")}


def test_replay_other_sends_a_valid_notify_of_another_order(gateway: str, merchant: str) -> None:
    first = _pay(gateway, merchant, "P-A", path="A")
    arrived(merchant, 1)
    behave(gateway, replay_other=1.0)
    _pay(gateway, merchant, "P-B", path="B")
    got = arrived(merchant, 3)
    at_b = [g["params"]["out_trade_no"] for g in got if g["path"] == "/notify/B"]
    assert sorted(at_b) == ["P-A", "P-B"]
    replay = next(g["params"] for g in got if g["path"] == "/notify/B"
                  and g["params"]["out_trade_no"] == "P-A")
    assert replay["trade_no"] == first and epay.verify(replay, KEY)
    item = next(n for n in ledger(gateway, "notifies") if n["variant"] == "replay")
    assert item["replay_of"] == first and item["out_trade_no"] == "P-B"


def test_post_notifies_when_switched(gateway: str, merchant: str) -> None:
    behave(gateway, notify_method="POST")
    _pay(gateway, merchant, "M-post")
    got = arrived(merchant, 1)[0]
    assert got["method"] == "POST" and epay.verify(got["params"], KEY)


def test_switches_validate_and_reset_restores_startup(gateway: str) -> None:
    bad = httpx.put(gateway + "/_fake/behaviour", json={"lost": 2})
    assert bad.status_code == 400 and "0..1" in bad.json()["error"]
    unknown = httpx.put(gateway + "/_fake/behaviour", json={"nope": 1})
    assert unknown.status_code == 400 and "known" in unknown.json()["error"]
    assert httpx.put(gateway + "/_fake/behaviour", content=b"{").status_code == 400
    assert behave(gateway, lost=0.5)["lost"] == 0.5
    httpx.post(gateway + "/_fake/reset")
    assert httpx.get(gateway + "/_fake/behaviour").json()["behaviour"]["lost"] == 0.0
    described = httpx.get(gateway + "/_fake/behaviour", params={"describe": 1}).json()
    assert described["knobs"]["schedule"]["choices"] == ["epay", "alipay", "wechat"]
