"""Bad input never gives a 500: unknown pages, wrong methods, missing or forged CSRF tokens,
oversized or garbled bodies, odd order numbers. Each answer says what was wrong."""

from __future__ import annotations

from typing import Any

from tests.delivery.backoffice.conftest import BO, Shop


def test_csrf_is_required_on_every_post(shop: Shop) -> None:
    no = shop.order()
    for path in (f"/orders/{no}/deliver", "/notices", "/stock/import", f"/orders/{no}/refund"):
        for data in ({}, {"csrf": "forged-token-1234567890"}):
            r = shop.client.post(BO + path, data=data)
            assert r.status_code == 403 and "CSRF" in r.text, (path, data)
    assert shop.export()["deliveries"] == [] and shop.export()["orders"][0]["status"] == "paid"
    fresh = Shop(shop.ctx, type(shop.client)(shop.client.app, base_url="http://127.0.0.1"))
    r = fresh.client.post(f"{BO}/login", data={"operator": "x", "token": "drill-admin",
                                               "csrf": shop.csrf()})
    assert r.status_code == 403  # another session's token does not count


def test_no_500_on_odd_requests(shop: Shop) -> None:
    token = shop.csrf()
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("GET", f"{BO}/nope", {}, 404, "页面不存在"),
        ("DELETE", f"{BO}/orders", {}, 405, "不支持的请求方法 DELETE"),
        ("POST", f"{BO}/orders/x/explode", {"data": {"csrf": token}}, 404, "页面不存在"),
        ("GET", f"{BO}/orders/%27%20OR%201%3D1--", {}, 404, "不存在"),
        ("GET", f"{BO}/orders/" + "9" * 500, {}, 404, "不存在"),
        ("POST", f"{BO}/notices", {"content": b"\xff\xfe{{", "headers": {
            "content-type": "application/x-www-form-urlencoded"}}, 403, "CSRF"),
        ("POST", f"{BO}/notices", {"content": b"--b\r\nbroken", "headers": {
            "content-type": "multipart/form-data"}}, 400, "请求无法解析"),
        ("POST", f"{BO}/notices", {"content": b"x" * 300_000, "headers": {
            "content-type": "application/x-www-form-urlencoded"}}, 413, "请求无法解析"),
        ("POST", f"{BO}/notices", {"json": {"csrf": token}}, 403, "CSRF"),
        ("POST", f"{BO}/notices", {"content": iter([b"csrf=", token.encode()]), "headers": {
            "content-type": "application/x-www-form-urlencoded"}}, 411, "Content-Length"),
        ("GET", f"{BO}/orders?group=%00&older=1e9", {}, 400, "NUL character"),  # shop-wide guard
        ("POST", f"{BO}/orders/x/deliver", {"data": {"csrf": token, "x" * 10: "y" * 10_000}},
         404, "订单 x 不存在"),
    ]
    for method, url, kw, status, needle in cases:
        r = shop.client.request(method, url, **kw)
        assert r.status_code == status, (method, url, r.status_code, r.text[-300:])
        assert needle in r.text, (method, url, r.text[-500:])
    assert shop.client.get(f"{BO}/orders").status_code == 200  # the session survived
