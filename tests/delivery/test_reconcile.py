"""The reconciler against the real payment gateway fake: a paid order whose notify was
lost is found through api.php?act=order and delivered; an unpaid one is left alone."""

from __future__ import annotations

import time
from typing import Any

import httpx

from runtime import ManagedProcess
from tests.delivery._fakes import SCALE, behave, ledger
from tests.delivery.conftest import base_config, wait_until


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
    t_paid = time.time()

    def status(o: dict[str, Any]) -> str:
        return str(svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
                   .json()["status"])
    wait_until(lambda: status(paid) == "delivered", timeout=10)
    assert time.time() - t_paid < 5  # reconcile.after_s 60 + every_s 30 = 0.15 wall s
    assert [n["outcome"] for n in ledger(gateway, "notifies")] == ["lost"]
    time.sleep(0.3)  # several more reconcile passes
    ex = svc.export()
    assert [(p["order_no"], p["trade_no"]) for p in ex["payments"]] == [(paid["order_no"],
                                                                         trade_no)]
    assert len(ex["deliveries"]) == 1 and ex["deliveries"][0]["order_no"] == paid["order_no"]
    assert status(unpaid) == "pending_payment"
    cards = svc.http.get(f"/api/orders/{paid['order_no']}/cards", params={"token": paid["token"]})
    assert cards.status_code == 200 and len(cards.json()["cards"]) == 1
