"""补单 / 查单 against the real payment gateway fake (its notifies lost): the back office asks
api.php?act=order, applies a confirmed payment once, leaves an unpaid order alone, and
neither a second 补单, the batch, nor the late genuine notify applies it again."""

from __future__ import annotations

from typing import Any

import httpx

from runtime import ManagedProcess
from tests.delivery._fakes import behave
from tests.delivery.backoffice.conftest import Shop, ShopFactory
from tests.delivery.conftest import notify_params


def _gateway_shop(shop_factory: ShopFactory, gateway: ManagedProcess) -> Shop:
    behave(gateway, lost=1.0)            # the notify never reaches the shop
    s = shop_factory(public_base_url="http://127.0.0.1:9",
                     gateway={"url": gateway.url, "pid": "1001", "key": "merchantkey"},
                     gateway_public_url=gateway.url,
                     reconcile={"after_s": 86_000, "every_s": 86_000})   # no reconciler help
    s.import_keys(3)
    s.login()
    return s


def _buy(s: Shop, gateway: ManagedProcess, *, pay: bool) -> tuple[str, str, str]:
    """(order_no, amount, trade_no): ordered, and paid at the gateway when `pay`."""
    r = s.client.post("/api/orders", json={"product_id": "steam-50", "quantity": 1,
                                           "contact": "b@x.cn"})
    o = r.json()
    doc = httpx.post(gateway.url + "/submit.php", data=o["pay_params"], timeout=10).json()
    assert doc["code"] == 1, doc
    if pay:
        paid = httpx.post(f"{gateway.url}/pay/{doc['trade_no']}", timeout=10).json()
        assert paid["status"] == "paid", paid
    return str(o["order_no"]), str(o["amount"]), str(doc["trade_no"])


def _status(s: Shop, no: str) -> str:
    return str(next(o["status"] for o in s.export()["orders"] if o["order_no"] == no))


def _rows(s: Shop, action: str) -> list[dict[str, Any]]:
    return [a for a in s.audit() if a["action"] == action]


def test_query_applies_a_paid_order_once(shop_factory: ShopFactory,
                                         gateway: ManagedProcess) -> None:
    s = _gateway_shop(shop_factory, gateway)
    paid, amount, trade_no = _buy(s, gateway, pay=True)
    unpaid, _, _ = _buy(s, gateway, pay=False)
    assert _status(s, paid) == "pending_payment"
    assert "还没有入账的付款" in s.client.get("/backoffice/api-log").text   # the notify is lost
    page = s.client.get(f"/backoffice/orders/{paid}").text
    assert 'id="do-query"' in page
    first = s.post(f"/orders/{paid}/query")
    assert first.status_code == 200 and "网关确认已付款" in first.text and trade_no in first.text
    assert _status(s, paid) == "paid"
    assert "最近一次入账的付款(回调或补单)" in s.client.get("/backoffice/api-log").text
    again = s.post(f"/orders/{paid}/query")
    assert again.status_code == 200 and "无需补单" in again.text
    left = s.post(f"/orders/{unpaid}/query?lang=en")
    assert "The gateway says the order is not paid; nothing done" in left.text
    assert _status(s, unpaid) == "pending_payment"
    late = s.client.get("/notify/epay", params=notify_params(paid, amount, trade_no=trade_no))
    assert late.text == "success"          # the genuine notify, late: acknowledged, not applied
    ex = s.export()
    assert [(p["order_no"], p["trade_no"]) for p in ex["payments"]] == [(paid, trade_no)]
    assert [(a["order_no"], a["outcome"]) for a in _rows(s, "query")] == [
        (paid, "done"), (paid, "noop"), (unpaid, "noop")]
    assert _rows(s, "query")[0]["detail"]["result"] == "paid"


def test_batch_query_finds_every_lost_payment_and_repeats_nothing(
        shop_factory: ShopFactory, gateway: ManagedProcess) -> None:
    s = _gateway_shop(shop_factory, gateway)
    paid = [_buy(s, gateway, pay=True)[0] for _ in range(2)]
    unpaid = _buy(s, gateway, pay=False)[0]
    assert s.post(f"/orders/{paid[0]}/query").status_code == 200    # one done by hand first
    r = s.post("/query-pending", older="0")
    assert r.status_code == 200 and "补单 1 笔" in r.text and paid[1] in r.text
    again = s.post("/query-pending", older="0")
    assert "补单 0 笔" in again.text and "未付款 1 笔" in again.text
    assert {_status(s, n) for n in paid} == {"paid"} and _status(s, unpaid) == "pending_payment"
    assert sorted(p["order_no"] for p in s.export()["payments"]) == sorted(paid)
    batch = _rows(s, "query_all")
    assert [(b["outcome"], b["detail"]["paid"], b["detail"]["unpaid"]) for b in batch] == [
        ("done", [paid[1]], 1), ("noop", [], 1)]


def test_query_when_the_gateway_is_unreachable_is_refused_and_audited(
        shop_factory: ShopFactory) -> None:
    s = shop_factory(gateway={"url": "http://127.0.0.1:9", "pid": "1001", "key": "merchantkey"})
    s.import_keys(1)
    s.login()
    no = s.order(paid=False)
    r = s.post(f"/orders/{no}/query")
    assert r.status_code == 502 and "向支付网关查单失败" in r.text
    assert s.post("/query-pending", older="0").status_code == 502
    assert [a["outcome"] for a in s.audit() if a["action"] in ("query", "query_all")] == [
        "refused", "refused"]
    assert _status(s, no) == "pending_payment"
