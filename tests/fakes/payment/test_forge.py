"""Adversarial notifies: literal forgeries, and the gateway sending them on a manual clock
(for paid and never-paid orders), marked `adversarial` in its ledger; abandoned
checkouts answer "not paid"; retries anchored on the first attempt."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from fakes.payment import epay
from fakes.payment.epay import SCHEDULES
from fakes.payment.forge import KINDS, UNPAID_VARIANT, forge, tamper_kind, unpaid_probe_due
from tests.fakes._clients import KEY, PID, create_fields
from tests.fakes._inprocess import SCALE, Gateway, run

DAY = 86_400.0
GOOD = {"pid": PID, "trade_no": "202400000001123456", "out_trade_no": "A-1", "type": "alipay",
        "name": "Steam 50", "money": "50.00", "trade_status": "TRADE_SUCCESS"}
GOOD = {**GOOD, "sign": epay.sign(GOOD, KEY), "sign_type": "MD5"}
OTHER = ("202400000002654321", "B-2")


def _forge(kind: str, acked: tuple[str, str] | None = OTHER, seed: int = 1) -> dict[str, str]:
    f = forge(kind, GOOD, KEY, random.Random(seed), acked)
    assert f.kind == kind
    return f.params


def test_amount_forgeries_are_validly_signed_with_the_wrong_money() -> None:
    under = {_forge("underpaid", seed=s)["money"] for s in range(20)}
    assert under == {"0.01", "49.99"}
    over = _forge("overpaid")
    assert over["money"] == "50.01" and epay.verify(over, KEY)
    assert all(epay.verify(_forge("underpaid", seed=s), KEY) for s in range(5))


def test_signature_forgeries() -> None:
    bad = _forge("bad_sign")
    assert bad["sign"] != GOOD["sign"] and not epay.verify(bad, KEY)
    assert {k: v for k, v in bad.items() if k != "sign"} == {
        k: v for k, v in GOOD.items() if k != "sign"}
    assert "sign" not in _forge("missing_sign")
    nst = _forge("missing_sign_type")
    assert "sign_type" not in nst and epay.verify(nst, KEY)


def test_order_and_status_forgeries() -> None:
    other = _forge("other_trade_no")
    assert (other["trade_no"], other["out_trade_no"], other["money"]) == (
        OTHER[0], "A-1", "50.00") and epay.verify(other, KEY)
    unknown = forge("unknown_order", GOOD, KEY, random.Random(3), OTHER)
    assert unknown.out_trade_no.startswith("NOSUCH") and unknown.params["out_trade_no"] == \
        unknown.out_trade_no and epay.verify(unknown.params, KEY)
    assert _forge("not_success")["trade_status"] in ("TRADE_CLOSED", "WAIT_BUYER_PAY")
    pid = _forge("wrong_pid")
    assert pid["pid"] == PID + "9" and epay.verify(pid, KEY)


def test_fallbacks_name_the_kind_actually_made() -> None:
    no_other = forge("other_trade_no", GOOD, KEY, random.Random(1), None)
    assert no_other.kind == "unknown_order"
    self_only = forge("other_trade_no", GOOD, KEY, random.Random(1), ("T", "A-1"))
    assert self_only.kind == "unknown_order"
    cent = {**GOOD, "money": "0.01"}
    assert forge("underpaid", cent, KEY, random.Random(1), None).kind == "overpaid"
    with pytest.raises(ValueError, match="known: underpaid"):
        forge("nonsense", GOOD, KEY, random.Random(1), None)


def test_tamper_knobs_mark_their_chain() -> None:
    assert tamper_kind(["amount_off", "bad_sign"], "-0.01") == "bad_sign"
    assert tamper_kind(["amount_off"], "-0.01") == "underpaid"
    assert tamper_kind(["amount_off"], "0.01") == "overpaid"
    assert tamper_kind(["missing_sign_type"], "-0.01") == "missing_sign_type"
    assert tamper_kind([], "-0.01") is None


async def _create(gw: Gateway, order: str) -> str:
    fields = create_fields(order, "http://127.0.0.1:9/notify")
    created = (await gw.client.post("/mapi.php", data=fields)).json()
    return str(created["trade_no"])


def test_every_kind_goes_out_for_paid_and_never_paid_orders_marked_adversarial() -> None:
    gw = Gateway(forge=1.0, forge_window_s=60.0)

    async def scenario() -> Any:
        await gw.pay("PAID-0")  # acknowledged: the trade number other_trade_no borrows
        await gw.run_for(1.0)
        for i in range(40):
            await (gw.pay(f"PAID-{i + 1}") if i % 2 else _create(gw, f"OPEN-{i}"))
        await gw.run_for(DAY)
        return (await gw.client.get("/api.php", params={
            "act": "order", "pid": PID, "key": KEY, "out_trade_no": "OPEN-0"})).json()
    query = run(scenario())
    assert query["code"] == 1 and query["status"] == 0  # abandoned checkout: not paid
    forged = [n for n in gw.notifies() if n.get("adversarial") and n["variant"] != UNPAID_VARIANT]
    assert len(forged) == 41 and {n["adversarial"] for n in forged} == set(KINDS)
    assert all(n["variant"] == f"forged:{n['adversarial']}" and n["attempt"] == 1
               for n in forged)
    aimed = {n["out_trade_no"] for n in forged if n["adversarial"] != "unknown_order"}
    assert {o for o in aimed if o.startswith("OPEN-")}, "never-paid orders get forgeries too"
    genuine = [n for n in gw.notifies() if not n.get("adversarial")]
    assert all(n["variant"] == "normal" for n in genuine) and len(genuine) == 21
    probes = [n for n in gw.notifies() if n["variant"] == UNPAID_VARIANT]
    assert sorted(n["out_trade_no"] for n in probes) == sorted(f"OPEN-{i}" for i in range(0, 40, 2))
    assert all(n["adversarial"] == "not_success" and n["signed"] for n in probes)
    unsigned = sum(n["adversarial"] in ("bad_sign", "missing_sign") for n in forged)
    assert unsigned == sum(not epay.verify(c["params"], KEY) for c in gw.transport.calls) > 0
    assert all(n["signed"] is (n["adversarial"] not in ("bad_sign", "missing_sign"))
               for n in forged)


def test_unpaid_probe_is_sent_only_while_its_payment_is_unpaid() -> None:
    assert unpaid_probe_due(UNPAID_VARIANT, "created") is True
    assert unpaid_probe_due(UNPAID_VARIANT, "paid") is False
    assert unpaid_probe_due("forged:not_success", "paid") is True


def test_an_unpaid_probe_closes_the_trade_signed_at_the_end_of_the_window() -> None:
    gw = Gateway(forge=1.0, forge_kinds=["not_success"], forge_window_s=600.0)

    async def scenario() -> float:
        start = gw.clock.now()
        await _create(gw, "NEVER-1")
        await gw.run_for(DAY)
        return start
    start = run(scenario())
    probe = [c for c in gw.transport.calls if c["params"]["out_trade_no"] == "NEVER-1"]
    assert len(probe) == 2  # the drawn forgery and the unpaid probe, both not a success
    assert all(c["params"]["trade_status"] in ("TRADE_CLOSED", "WAIT_BUYER_PAY")
               and epay.verify(c["params"], KEY) for c in probe)
    assert max(c["at"] for c in probe) - start == pytest.approx(600.0 / SCALE)


def test_forgeries_are_spread_over_the_window_and_not_retried() -> None:
    gw = Gateway(forge=1.0, forge_kinds=["bad_sign"], forge_window_s=600.0,
                 reply=lambda params, n: (400, "fail: bad signature"))

    async def scenario() -> float:
        start = gw.clock.now()
        for i in range(10):
            await _create(gw, f"W-{i}")
        await gw.run_for(DAY)
        return start
    start = run(scenario())
    offsets = [c["at"] - start for c in gw.transport.calls]
    assert len(offsets) == 10 and max(offsets) <= 600.0 / SCALE and len(set(offsets)) == 10
    assert not any(epay.verify(c["params"], KEY) for c in gw.transport.calls)


def test_retries_are_due_from_the_first_attempt_however_long_answers_take() -> None:
    slow_s = 30.0 / SCALE  # each refusal takes 30 scenario s to come back

    def slow_fail(params: dict[str, str], n: int) -> tuple[int, str]:
        gw.clock.advance(slow_s)
        return 500, "fail"
    gw = Gateway(reply=slow_fail, max_attempts=5)

    async def scenario() -> None:
        await gw.pay("T-slow")
        await gw.run_for(DAY)
    run(scenario())
    at = [c["at"] for c in gw.transport.calls]
    due = [0.0, *itertools.accumulate(g / SCALE for g in SCHEDULES["epay"][:4])]
    assert [a - at[0] for a in at] == pytest.approx(due, abs=1e-6)
    assert [d * SCALE / 60 for d in due] == pytest.approx([0, 2, 4, 8, 16])
