"""The reconciler. Against the real payment gateway fake: a paid order whose notify was
lost is found through api.php?act=order and delivered; an unpaid one is left alone. In
process (a literal MockTransport gateway, the injected clock): late payments after expiry,
applied once, asked about only inside the after_s..horizon_s window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from runtime import ManagedProcess
from tests.delivery._fakes import SCALE, behave, ledger
from tests.delivery.conftest import base_config
from tests.delivery.inproc import shop
from tests.waiting import wait_until


def _at_gateway(gateway: ManagedProcess, o: dict[str, Any]) -> str:
    """What the buyer's browser does: submit.php with the signed pay_params."""
    r = httpx.post(gateway.url + "/submit.php", data=o["pay_params"], timeout=10)
    doc = r.json()
    assert doc["code"] == 1, doc
    return str(doc["trade_no"])


def test_lost_notify_reconciled_unpaid_left_alone(db_url: str, service_factory: Any,
                                                  gateway: ManagedProcess) -> None:
    behave(gateway, lost=1.0)  # every notify is lost
    cfg = base_config(db_url, time_scale=SCALE, order_expiry_s=6000,
                      public_base_url="http://127.0.0.1:9",  # never reached: notifies are lost
                      gateway={"url": gateway.url, "pid": "1001", "key": "merchantkey"},
                      gateway_public_url=gateway.url,
                      reconcile={"after_s": 60, "every_s": 30})
    svc = service_factory(cfg)
    svc.import_keys(3)
    paid, unpaid = svc.order(contact="paid@x.cn"), svc.order(contact="unpaid@x.cn")
    assert paid["pay_url"] == gateway.url.rstrip("/") + "/submit.php"
    trade_no = _at_gateway(gateway, paid)
    _at_gateway(gateway, unpaid)
    r = httpx.post(f"{gateway.url}/pay/{trade_no}", timeout=10)
    assert r.json()["status"] == "paid"

    def status(o: dict[str, Any]) -> str:
        return str(svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
                   .json()["status"])
    wait_until(lambda: status(paid) == "delivered", timeout=10)
    assert [n["outcome"] for n in ledger(gateway, "notifies")] == ["lost"]
    # applied once however many passes run: test_reconciler_applies_once_and_asks_only_…
    ex = svc.export()
    assert [(p["order_no"], p["trade_no"]) for p in ex["payments"]] == [(paid["order_no"],
                                                                         trade_no)]
    assert len(ex["deliveries"]) == 1 and ex["deliveries"][0]["order_no"] == paid["order_no"]
    assert status(unpaid) == "pending_payment"
    cards = svc.http.get(f"/api/orders/{paid['order_no']}/cards", params={"token": paid["token"]})
    assert cards.status_code == 200 and len(cards.json()["cards"]) == 1


def test_lost_notify_after_expiry_reconciled(db_url: str, tmp_path: Path) -> None:
    """In process (literal gateway, injected clock): paid at the gateway long after the
    order expired (far past the old reconcile window order_expiry + 5·after_s) and the
    notify is lost: the reconciler still finds it. The late-payment policy applies:
    revived and delivered while stock is there, else refund_needed + alert."""
    client, paid_at_gateway, _ = _literal_gateway()
    rc = {"after_s": 60, "every_s": 0.05, "max_per_tick": 2}
    with shop(tmp_path, http=client, db_url=db_url, order_expiry_s=60, reconcile=rc) as s:
        def expire(*orders: dict[str, Any]) -> None:
            s.clock.advance(61)
            for o in orders:
                wait_until(lambda o=o: s.status(o)["status"] == "expired", timeout=10,
                           what=f"order {o['order_no']} expired")
        s.import_keys(["K-1"])
        revived = s.order(contact="late@x.cn")
        expire(revived)  # its key is released
        gone = s.order(contact="gone@x.cn")  # takes the only key, then expires too
        expire(gone)
        taker = s.order(contact="taker@x.cn")  # the key goes to a buyer who pays in time
        assert s.pay(taker).text == "success"
        wait_until(lambda: s.status(taker)["delivered"], timeout=10, what="taker delivered")
        # unpaid expired orders the round-robin reconciler must walk past
        expire(*[s.order("apple-100", contact=f"idle{i}@x.cn") for i in range(3)])
        s.import_keys(["R-1"])  # stock for the revived order
        s.clock.advance(3600)  # the old window has long passed
        paid_at_gateway.update({revived["order_no"]: "T-REVIVED", gone["order_no"]: "T-GONE"})
        wait_until(lambda: s.status(revived)["delivered"], timeout=10, what="revived")
        wait_until(lambda: s.status(gone)["status"] == "refund_needed", timeout=10,
                   what="gone → refund_needed")
        ex = s.admin("GET", "/admin/export").json()
        assert sorted(p["trade_no"] for p in ex["payments"]) == sorted(
            ["T-REVIVED", "T-GONE", f"T{taker['order_no']}"])
        assert [a for a in ex["alerts"] if a["rule"] == "refund_needed"]
        assert sorted(d["order_no"] for d in ex["deliveries"]) == sorted(
            [revived["order_no"], taker["order_no"]])


def _literal_gateway() -> tuple[httpx.AsyncClient, dict[str, str], list[str]]:
    """An epay `api.php?act=order` answering from a dict (out_trade_no → trade_no, money
    50.00); every order asked about is appended to the list."""
    paid_at_gateway: dict[str, str] = {}
    asked: list[str] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        no = request.url.params["out_trade_no"]
        asked.append(no)
        if no in paid_at_gateway:
            return httpx.Response(200, json={"code": 1, "status": 1, "out_trade_no": no,
                                             "trade_no": paid_at_gateway[no], "money": "50.00"})
        return httpx.Response(200, json={"code": 1, "status": 0, "out_trade_no": no})
    return httpx.AsyncClient(transport=httpx.MockTransport(gateway)), paid_at_gateway, asked


def test_reconciler_applies_once_and_asks_only_inside_its_window(tmp_path: Path) -> None:
    """In process, a literal gateway (httpx.MockTransport) and the injected clock: a lost
    payment is applied once however many passes run; an order is asked about only between
    `after_s` and `horizon_s` of age."""
    client, paid_at_gateway, asked = _literal_gateway()
    rc = {"after_s": 60, "every_s": 0.05, "horizon_s": 3600}
    with shop(tmp_path, http=client, order_expiry_s=6000, reconcile=rc) as s:
        s.import_keys(["K-1", "K-2", "K-3"])
        paid, unpaid = s.order(), s.order()
        paid_at_gateway[paid["order_no"]] = "T-LOST"
        assert asked == []  # younger than after_s
        s.clock.advance(61)
        wait_until(lambda: s.status(paid)["delivered"], timeout=10, what="reconciled, delivered")
        wait_until(lambda: asked.count(unpaid["order_no"]) >= 3, timeout=10,
                   what="more passes over the unpaid order")
        ex = s.admin("GET", "/admin/export").json()
        assert [(p["order_no"], p["trade_no"]) for p in ex["payments"]] == [
            (paid["order_no"], "T-LOST")]
        assert s.status(unpaid)["status"] == "pending_payment"
        s.clock.advance(3600)  # now older than horizon_s: no longer asked about
        seen = len(asked)
        s.order()  # a fresh order, and a mark after which the reconciler has passed again
        s.clock.advance(61)
        wait_until(lambda: len(asked) > seen, timeout=10, what="a pass asking the new order")
        assert unpaid["order_no"] not in asked[seen:]
