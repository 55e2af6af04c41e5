"""Every notify misbehaviour, switched on at run time with probability 1 (time_scale 600)."""

from __future__ import annotations

import time

import httpx

from fakes.payment import epay
from tests.fakes._clients import KEY, behave, create_and_pay, ledger, received, wait_for, wait_len

SCALE = 600.0


def _pay(gateway: str, merchant: str, order: str, path: str = "epay") -> str:
    return create_and_pay(gateway, order, f"{merchant}/notify/{path}")


def test_duplicate_parallel_sends_identical_copies_at_once(gateway: str, merchant: str) -> None:
    behave(gateway, duplicate_parallel=1.0, duplicate_count=2)
    _pay(gateway, merchant, "D-par")
    got = wait_len(lambda: received(merchant), 3)
    assert len({tuple(sorted(g["params"].items())) for g in got}) == 1
    assert max(g["at"] for g in got) - min(g["at"] for g in got) < 0.1
    variants = sorted(n["variant"] for n in wait_len(lambda: ledger(gateway, "notifies"), 3))
    assert variants == ["duplicate", "duplicate", "normal"]


def test_duplicate_delayed_arrives_later(gateway: str, merchant: str) -> None:
    behave(gateway, duplicate_delayed=1.0, duplicate_delay_s=120.0)  # 0.2 s wall
    _pay(gateway, merchant, "D-del")
    got = wait_len(lambda: received(merchant), 2)
    gap = got[1]["at"] - got[0]["at"]
    assert 0.15 < gap < 0.6, gap
    assert got[0]["params"] == got[1]["params"]


def test_delayed_and_after_expiry_hold_the_first_notify(gateway: str, merchant: str) -> None:
    behave(gateway, delayed=1.0, delay_s=180.0)  # 0.3 s
    t0 = time.time()
    _pay(gateway, merchant, "D-late")
    first = wait_for(lambda: received(merchant))[0]
    assert 0.25 < first["at"] - t0 < 1.0
    behave(gateway, delayed=0.0, after_expiry=1.0, after_expiry_s=300.0)  # 0.5 s
    t1 = time.time()
    _pay(gateway, merchant, "D-expired")
    second = wait_len(lambda: received(merchant), 2)[1]
    assert second["params"]["out_trade_no"] == "D-expired"
    assert 0.45 < second["at"] - t1 < 1.3


def test_lost_notify_is_never_sent_but_is_in_the_ledger(gateway: str, merchant: str) -> None:
    behave(gateway, lost=1.0)
    trade_no = _pay(gateway, merchant, "D-lost")
    items = ledger(gateway, "notifies")
    assert [(i["trade_no"], i["outcome"], i["attempt"]) for i in items] == [(trade_no, "lost", 0)]
    time.sleep(0.3)  # a window in which a sent notify would have arrived
    assert received(merchant) == []


def test_out_of_order_lets_later_payments_overtake(gateway: str, merchant: str) -> None:
    behave(gateway, out_of_order=1.0, reorder_window_s=120.0)  # up to 0.2 s
    orders = [f"R{i:02d}" for i in range(10)]
    for order in orders:
        _pay(gateway, merchant, order)
    got = wait_len(lambda: received(merchant), 10)
    arrival = [g["params"]["out_trade_no"] for g in got]
    assert sorted(arrival) == orders and arrival != orders


def test_bad_sign_amount_off_and_missing_sign_type(gateway: str, merchant: str) -> None:
    behave(gateway, bad_sign=1.0, max_attempts=1)
    _pay(gateway, merchant, "V-bad")
    bad = wait_for(lambda: received(merchant))[0]["params"]
    assert not epay.verify(bad, KEY)
    behave(gateway, bad_sign=0.0, amount_off=1.0)
    _pay(gateway, merchant, "V-off")
    off = wait_len(lambda: received(merchant), 2)[1]["params"]
    assert off["money"] == "49.99" and epay.verify(off, KEY)
    behave(gateway, amount_off=0.0, missing_sign_type=1.0)
    _pay(gateway, merchant, "V-nst")
    nst = wait_len(lambda: received(merchant), 3)[2]["params"]
    assert "sign_type" not in nst and epay.verify(nst, KEY)
    variants = {n["out_trade_no"]: (n["variant"], n["signed"]) for n in ledger(gateway, "notifies")}
    assert variants == {"V-bad": ("bad_sign", False), "V-off": ("amount_off", True),
                        "V-nst": ("missing_sign_type", True)}


def test_replay_other_sends_a_valid_notify_of_another_order(gateway: str, merchant: str) -> None:
    first = _pay(gateway, merchant, "P-A", path="A")
    wait_for(lambda: received(merchant))
    behave(gateway, replay_other=1.0)
    _pay(gateway, merchant, "P-B", path="B")
    got = wait_len(lambda: received(merchant), 3)
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
    got = wait_for(lambda: received(merchant))[0]
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
