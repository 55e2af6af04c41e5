"""The read pages: order list by status group and scenario age, stock with the low-stock line,
the API log, the review queue; looking at them is audited."""

from __future__ import annotations

import re
import time
from html import unescape

from sqlalchemy import Connection, insert

from delivery.db.schema import anomalies, supplier_calls
from tests.delivery.backoffice.conftest import BO, Shop, ShopFactory


def listed(html: str) -> list[str]:
    return re.findall(r'/orders/(\w+)">', html)


def test_order_list_filters_by_status_group_and_age(shop: Shop) -> None:
    old, fresh = shop.order(), shop.order()
    unpaid = shop.order(paid=False)
    shop.backdate(old, 12)
    shop.post(f"/orders/{fresh}/deliver")
    r = shop.client.get(f"{BO}/orders", params={"group": "stuck", "older": "10"})
    assert r.status_code == 200 and listed(r.text) == [old]
    assert re.search(r"最久等待 12\.\d 分钟", r.text)  # scenario minutes (time_scale 10)
    assert listed(shop.client.get(f"{BO}/orders?group=processing").text) == [old]
    assert listed(shop.client.get(f"{BO}/orders?group=delivered").text) == [fresh]
    assert listed(shop.client.get(f"{BO}/orders?group=pending").text) == [unpaid]
    assert sorted(listed(shop.client.get(f"{BO}/orders?group=all").text)) == sorted(
        [old, fresh, unpaid])
    assert listed(shop.client.get(f"{BO}/orders?group=failed").text) == []
    looks = [a["detail"] for a in shop.audit() if a["action"] == "view"]
    assert {"page": "orders", "group": "stuck", "older_min": 10, "count": 1} in looks


def test_order_list_refuses_bad_filters_clearly(shop: Shop) -> None:
    r = shop.client.get(f"{BO}/orders", params={"group": "nope"})
    assert r.status_code == 400 and "请从 all / pending" in r.text
    r = shop.client.get(f"{BO}/orders", params={"older": "-3", "lang": "en"})
    assert r.status_code == 400
    assert "Field 'Older than (minutes)': enter a whole number from 0 to 14400" in unescape(r.text)


def test_stock_page_marks_products_under_the_low_stock_line(shop_factory: ShopFactory) -> None:
    s = shop_factory(monitor={"every_s": 0.2, "low_stock_below": 3})
    s.import_keys(2)
    s.login()
    r = s.client.get(f"{BO}/stock")
    row = re.search(r'<tr class="low" id="stock-steam-50">(.*?)</tr>', r.text, re.S)
    assert row and "库存不足" in row.group(1) and "<td>3</td>" in row.group(1)
    assert 'id="stock-apple-100"' in r.text and "供应商货源" in r.text
    s.import_keys(5)
    assert 'class="low" id="stock-steam-50"' not in s.client.get(f"{BO}/stock").text


def test_api_log_shows_supplier_errors_and_rejected_notifies(shop: Shop) -> None:
    now = time.time()

    def tx(conn: Connection) -> None:
        conn.execute(insert(supplier_calls).values(
            order_no="o1", supplier="primary", endpoint="POST /api/buy", attempt=2,
            status=503, outcome="error", latency_ms=12.5, error="HTTP 503 upstream down",
            at=now))
        conn.execute(insert(anomalies).values(
            kind="bad_sign", order_no="o2", detail="sign mismatch", at=now))
    shop.ctx.db.tx_sync(tx)
    paid = shop.order()
    r = shop.client.get(f"{BO}/api-log")
    assert r.status_code == 200
    assert "<td>503</td>" in r.text and "HTTP 503 upstream down" in r.text
    assert "bad_sign" in r.text and paid in r.text


def test_review_queue_lists_held_orders(shop_factory: ShopFactory) -> None:
    s = shop_factory(risk={"mode": "review", "max_amount": "10.00"})
    s.import_keys(3)
    s.login()
    held = s.order()
    r = s.client.get(f"{BO}/review")
    assert listed(r.text) == [held] and "审核通过" in r.text
