"""The reference shop against the gateway fake's adversarial notifies (real processes).

Every kind the gateway can forge (fakes.payment.forge.KINDS) is aimed at a paid and
at a never-paid order; the shop refuses each one (never `success`), delivers only
the paid orders, and the oracle's gateway-protocol and money-goods checks, reading
the gateway's ledger as a drill would, pass with every forgery counted as refused.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from delivery.epay import sign
from drill.checks import CheckSpec, gateway_protocol, money_goods
from drill.checks.sources import Sources
from fakes.payment.forge import KINDS
from runtime import ManagedProcess
from tests.delivery._fakes import SCALE, behave, ledger
from tests.delivery.conftest import KEY, base_config
from tests.fakes._clients import at_least
from tests.waiting import wait_until

SPEC = CheckSpec(prices=(("steam-50", "50.00"),))


def _submit(gateway: ManagedProcess, shop_url: str, o: dict[str, Any]) -> str:
    """The buyer's browser at submit.php; the notify_url is the shop's real address (known
    only once it listens), so the pay params are signed again with it."""
    fields = {k: v for k, v in o["pay_params"].items() if k not in ("sign", "sign_type")}
    fields["notify_url"] = shop_url + "/notify/epay"
    fields = {**fields, "sign": sign(fields, KEY), "sign_type": "MD5"}
    doc = httpx.post(gateway.url + "/submit.php", data=fields, timeout=10).json()
    assert doc["code"] == 1, doc
    return str(doc["trade_no"])


def _buyer_ops(o: dict[str, Any], trade_no: str, paid: bool, cards: list[str] | None,
               t: float) -> list[dict[str, Any]]:
    """The history a drill's buyer would have recorded for this order."""
    no, p = o["order_no"], f"buyer-{o['order_no']}"

    def op(type_: str, f: str, dt: float, **value: Any) -> dict[str, Any]:
        return {"process": p, "type": type_, "f": f, "time": t + dt,
                "value": {"order_no": no, **value}}
    ops = [op("invoke", "create_order", 0, product_id="steam-50", quantity=1),
           op("ok", "create_order", 0.01, product_id="steam-50", quantity=1, amount="50.00")]
    if not paid:
        return [*ops, op("invoke", "open_payment", 0.02),
                op("ok", "open_payment", 0.03, trade_no=trade_no)]
    return [*ops, op("invoke", "pay", 0.02), op("ok", "pay", 0.03, trade_no=trade_no),
            op("invoke", "await_delivery", 0.04),
            op("ok", "await_delivery", 0.5, status="delivered"),
            op("invoke", "fetch_card", 0.51), op("ok", "fetch_card", 0.52, cards=cards)]


def test_the_shop_refuses_every_forgery_and_the_checks_pass(
        db_url: str, service_factory: Any, gateway: ManagedProcess) -> None:
    cfg = base_config(db_url, time_scale=SCALE, order_expiry_s=60_000,
                      gateway={"url": gateway.url, "pid": "1001", "key": KEY},
                      gateway_public_url=gateway.url, reconcile={"after_s": 60_000})
    svc = service_factory(cfg)
    svc.import_keys(2 * len(KINDS) + 1)  # unpaid orders hold theirs too

    def status(o: dict[str, Any]) -> dict[str, Any]:
        r = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
        return dict(r.json())
    seed = svc.order(contact="seed@x.cn")  # acknowledged first: other_trade_no borrows it
    seed_trade = _submit(gateway, svc.url, seed)
    httpx.post(f"{gateway.url}/pay/{seed_trade}", timeout=10).raise_for_status()
    wait_until(lambda: status(seed)["delivered"], timeout=10, what="seed delivered")
    behave(gateway, forge=1.0, forge_window_s=60.0)
    orders: list[tuple[dict[str, Any], str, bool]] = [(seed, seed_trade, True)]
    for kind in KINDS:
        behave(gateway, forge_kinds=[kind])
        for paid in (True, False):
            o = svc.order(contact=f"{kind}-{paid}@x.cn")
            trade_no = _submit(gateway, svc.url, o)
            if paid:
                httpx.post(f"{gateway.url}/pay/{trade_no}", timeout=10).raise_for_status()
            orders.append((o, trade_no, paid))
    # one per kind and order at least (plus end-of-window unpaid probes, forge.py, whose
    # number depends on timing): wait for them, then judge one snapshot of the ledger
    expected = 2 * len(KINDS)
    wait_until(at_least(lambda: [n for n in ledger(gateway, "notifies")
                                 if n.get("adversarial")], expected),
               timeout=20, what="every forgery sent")
    for o, _t, paid in orders:
        if paid:
            wait_until(lambda o=o: status(o)["delivered"], timeout=10, what="paid delivered")
    notifies = ledger(gateway, "notifies")
    forged = [n for n in notifies if n.get("adversarial")]
    assert len(forged) >= expected, forged
    assert {n["adversarial"] for n in forged} == set(KINDS)
    refused = {(n["adversarial"], n["http_status"], n["outcome"]) for n in forged}
    assert all(code is not None and 400 <= code < 500 and outcome == "fail"
               for _k, code, outcome in refused), refused
    for o, _t, paid in orders:
        assert status(o)["status"] == ("delivered" if paid else "pending_payment"), o
    ex = svc.export()
    assert sorted(d["order_no"] for d in ex["deliveries"]) == sorted(
        o["order_no"] for o, _t, paid in orders if paid)
    now = time.time()  # the buyer's records come after the gateway took the money
    history = [op for i, (o, t, paid) in enumerate(orders) for op in _buyer_ops(
        o, t, paid, status(o).get("cards"), now + i)]
    src = Sources(history=history, faults=[], payments=ledger(gateway, "payments"),
                  notifies=notifies, export=ex,
                  load={"plan": {"quantity": 1}})
    proto = gateway_protocol.check(src, SPEC)
    assert proto.ok is True, proto.detail
    assert proto.counts["adversarial"] == proto.counts["adversarial_refused"] == len(forged)
    assert proto.counts["genuine_answered"] == proto.counts["genuine"] >= len(KINDS) + 1
    money = money_goods.check(src, SPEC)
    assert money.ok is True, money.detail
    assert money.counts["paid_in_full"] == len(KINDS) + 1
