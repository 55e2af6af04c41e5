"""The buyer mix against a real HTTP server: browsing, quantities, late payers, snoopers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from drill.checks import CheckSpec, evaluate
from drill.load import LoadPlan
from runtime import ManagedProcess
from tests.drill.load.test_loadrun_toyshop import _check_well_formed, _ops, _run


def test_mixed_buyers_record_what_the_checks_read(shop: ManagedProcess, tmp_path: Path) -> None:
    plan = LoadPlan(service_url=shop.url, gateway_url=shop.url, products=("p1", "quick"),
                    shape="arrival_rate", rate=40, duration_s=2, poll_timeout_s=2,
                    poll_interval_s=0.05, quantity_mix=((1, 0.5), (3, 0.5)), browse=0.5,
                    snoopers=0.3, late_payers=0.5, late_wait_max_s=2, seed=3)
    _run(plan, tmp_path)
    ops = _ops(tmp_path)
    _check_well_formed(ops)
    creates = [o for o in ops if o["f"] == "create_order" and o["type"] != "invoke"]
    assert {o["value"]["quantity"] for o in creates} == {1, 3}
    reads = [o for o in ops if o["f"] == "list_products" and o["type"] == "ok"]
    assert reads and all(o["value"]["final"] is False for o in reads)
    assert reads[0]["value"]["products"][0].keys() == {"id", "price", "stock_available"}
    late = [o for o in ops if o["f"] == "pay" and o["type"] == "invoke" and o["value"].get("late")]
    expired = [o for o in late if o["value"]["after_expiry"]]  # product quick: 0.3 s expiry
    capped = [o for o in late if not o["value"]["after_expiry"]]  # p1: 300 s, wait capped at 2
    assert expired and all(o["time"] > o["value"]["expires_at"] for o in expired)
    assert capped and all(o["value"]["expires_at"] > o["time"] for o in capped)
    looks = [o for o in ops if o["f"] == "look_order" and o["type"] == "ok"]
    assert {o["value"]["order_no"] for o in looks} == {o["value"]["order_no"] for o in late}, \
        "every late payer looks at its order when it comes back, before paying"
    assert all(o["value"]["status"] == "pending_payment" for o in looks)  # the toy never expires
    snoops = [o for o in ops if o["process"].startswith("snooper-") and o["type"] != "invoke"]
    hows = Counter(o["value"]["how"] for o in snoops)
    assert {"no_token", "wrong_token", "other_token", "neighbour", "guessed",
            "admin_no_token", "empty_token", "token_prefix", "admin_empty_token",
            "admin_query_token", "admin_prefix"} <= set(hows)
    assert all(o["type"] == "fail" and "cards" not in o["value"] for o in snoops), \
        "the toy shop refuses every snoop (404 on orders and cards, no admin routes)"
    access = next(iter(evaluate(tmp_path, CheckSpec(checks=("access",)))))
    assert access.ok is True and access.counts["attempts"] == len(snoops)
    load = json.loads((tmp_path / "load.json").read_text())
    assert load["started"] == len(creates)


def test_buyers_who_never_pay_open_the_payment_and_walk_away(shop: ManagedProcess,
                                                           tmp_path: Path) -> None:
    plan = LoadPlan(service_url=shop.url, gateway_url=shop.url, products=("p1",),
                    shape="arrival_rate", rate=40, duration_s=1, poll_timeout_s=1,
                    poll_interval_s=0.05, pay_probability=0.5, seed=5)
    _run(plan, tmp_path)
    ops = _ops(tmp_path)
    _check_well_formed(ops)
    opened = {o["value"]["order_no"]: o["value"]["trade_no"] for o in ops
              if o["f"] == "open_payment" and o["type"] == "ok"}
    paid = {o["value"]["order_no"] for o in ops if o["f"] == "pay" and o["type"] == "ok"}
    created = {o["value"]["order_no"] for o in ops if o["f"] == "create_order"
               and o["type"] == "ok"}
    assert opened and paid and set(opened) | paid == created and not set(opened) & paid
    assert all(trade == f"G{no}" for no, trade in opened.items())  # the gateway's answer
    waited = {o["value"]["order_no"] for o in ops if o["f"] == "await_delivery"}
    assert not waited & set(opened), "an abandoned checkout is not polled"
