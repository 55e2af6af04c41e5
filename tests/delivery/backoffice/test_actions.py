"""Actions on one order: manual delivery is idempotent and says what it did; resend, retry,
refund, review, coupon, key import; each lands in the audit log with its outcome."""

from __future__ import annotations

import re
from html import unescape

from tests.delivery.backoffice.conftest import Shop, ShopFactory


def test_manual_delivery_twice_delivers_once_and_says_so(shop: Shop) -> None:
    no = shop.order()
    first = shop.post(f"/orders/{no}/deliver")
    ex = shop.export()
    assert [d["order_no"] for d in ex["deliveries"]] == [no]
    codes = ex["deliveries"][0]["codes"]
    assert first.status_code == 200 and f"已发货,卡密:{codes[0]}" in first.text
    second = shop.post(f"/orders/{no}/deliver")
    assert second.status_code == 200
    assert "该订单已于" in second.text and "本次未做任何操作" in second.text
    third = shop.post(f"/orders/{no}/deliver?lang=en")
    assert re.search(r"Already delivered at \d\d:\d\d:\d\d \(source manual\); nothing done\. "
                     f"Codes: {codes[0]}", unescape(third.text))
    ex = shop.export()
    assert len(ex["deliveries"]) == 1 and ex["stock"][0]["delivered"] == 1
    done = [(a["action"], a["outcome"], a["operator"]) for a in shop.audit(order_no=no)
            if a["action"] == "deliver"]
    assert done == [("deliver", "done", "小王"), ("deliver", "noop", "小王"),
                    ("deliver", "noop", "小王")]
    first_row = next(a for a in shop.audit(order_no=no) if a["action"] == "deliver")
    assert codes[0] not in str(first_row)  # codes are masked in the audit log
    assert first_row["detail"]["codes"][0].startswith(codes[0][:3])


def test_manual_delivery_is_idempotent_on_both_databases(db_url: str,
                                                         shop_factory: ShopFactory) -> None:
    s = shop_factory(db_url=db_url)
    s.import_keys(3)
    s.login()
    no = s.order()
    assert "已发货" in s.post(f"/orders/{no}/deliver").text
    assert "本次未做任何操作" in s.post(f"/orders/{no}/deliver").text
    assert len(s.export()["deliveries"]) == 1
    assert [a["outcome"] for a in s.audit(order_no=no) if a["action"] == "deliver"] == [
        "done", "noop"]


def test_delivery_of_an_unpaid_order_is_refused_and_audited(shop: Shop) -> None:
    no = shop.order(paid=False)
    r = shop.post(f"/orders/{no}/deliver")
    assert r.status_code == 409 and "操作被拒绝" in r.text and "pending_payment" in r.text
    assert shop.export()["deliveries"] == []
    row = next(a for a in shop.audit(order_no=no) if a["action"] == "deliver")
    assert row["outcome"] == "refused" and "pending_payment" in row["detail"]["error"]
    r = shop.post("/orders/nope123/deliver")
    assert r.status_code == 404 and "订单 nope123 不存在" in r.text


def test_resend_shows_the_codes_only_after_a_delivery(shop: Shop) -> None:
    no = shop.order()
    r = shop.post(f"/orders/{no}/resend")
    assert r.status_code == 409 and "还没有发货记录" in r.text
    shop.post(f"/orders/{no}/deliver")
    code = shop.export()["deliveries"][0]["codes"][0]
    r = shop.post(f"/orders/{no}/resend")
    assert r.status_code == 200 and f"已重发卡密:{code}" in r.text
    assert len(shop.export()["deliveries"]) == 1


def test_refund_releases_the_keys_and_cannot_repeat(shop: Shop) -> None:
    no = shop.order()
    r = shop.post(f"/orders/{no}/refund")
    assert r.status_code == 200 and "已退款" in r.text
    ex = shop.export()
    assert ex["orders"][0]["status"] == "refunded" and ex["stock"][0]["reserved"] == 0
    r = shop.post(f"/orders/{no}/refund?lang=en")
    assert r.status_code == 409 and "is refunded; cannot do 'Refund'" in unescape(r.text)


def test_retry_requeues_only_manual_orders(shop: Shop) -> None:
    no = shop.order()
    r = shop.post(f"/orders/{no}/retry")
    assert r.status_code == 409 and "当前状态为 paid,不能执行「重新发货(重新排队)」" in r.text


def test_review_approve_and_reject(shop_factory: ShopFactory) -> None:
    s = shop_factory(risk={"mode": "review", "max_amount": "10.00"})
    s.import_keys(3)
    s.login()
    a, b = s.order(), s.order()
    assert "审核通过" in s.post(f"/orders/{a}/review", approve="1").text
    assert "已拒绝" in s.post(f"/orders/{b}/review", approve="0").text
    status = {o["order_no"]: o["status"] for o in s.export()["orders"]}
    assert status == {a: "paid", b: "refund_needed"}
    r = s.post(f"/orders/{a}/review", approve="1")
    assert r.status_code == 409
    r = s.post(f"/orders/{a}/review?lang=en", approve="maybe")
    assert r.status_code == 422 and "choose one of 1 / 0" in r.text
    assert [x["action"] for x in s.audit() if x["order_no"] in (a, b)
            and x["action"] != "view"] == ["approve", "reject", "approve", ]


def test_coupon_is_recorded_once_per_order(shop: Shop) -> None:
    no = shop.order()
    r = shop.post(f"/orders/{no}/coupon", code="SORRY5")
    assert r.status_code == 200 and f"已为订单 {no} 发放优惠券 SORRY5" in r.text
    r = shop.post(f"/orders/{no}/coupon", code="AGAIN9")
    assert r.status_code == 200 and "未重复发放" in r.text and "SORRY5" in r.text
    rows = [(a["outcome"], a["detail"]["code"]) for a in shop.audit(order_no=no)
            if a["action"] == "coupon"]
    assert rows == [("done", "SORRY5"), ("noop", "AGAIN9")]
    r = shop.post(f"/orders/{no}/coupon", code="bad code!")
    assert r.status_code == 422 and "只能包含字母、数字" in r.text


def test_key_import_from_the_stock_page(shop: Shop) -> None:
    r = shop.post("/stock/import", product_id="steam-50", codes="NEW-1\nNEW-2\n\nNEW-1\n")
    assert r.status_code == 200 and "导入 2 个卡密,重复 1 个" in r.text
    assert shop.export()["stock"][0]["available"] == 7
    r = shop.post("/stock/import", product_id="apple-100", codes="X-1")
    assert r.status_code == 404 and "没有本地库存商品 apple-100" in r.text
    r = shop.post("/stock/import", product_id="steam-50", codes="  ")
    assert r.status_code == 422
