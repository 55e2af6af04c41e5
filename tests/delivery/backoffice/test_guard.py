"""Login with the admin token gives a session; every page needs it; Chinese first, English on
request; wrong tokens are refused (and audited)."""

from __future__ import annotations

from html import unescape

from tests.delivery.backoffice.conftest import BO, ShopFactory, csrf_of


def test_pages_need_a_login_and_the_right_token(shop_factory: ShopFactory) -> None:
    s = shop_factory()
    r = s.client.get("/backoffice")
    assert r.status_code == 200 and "登录商户后台" in r.text  # → /backoffice/ → orders → login
    for path in ("/orders", "/stock", "/api-log", "/review", "/notices", "/audit", "/orders/x"):
        r = s.client.get(BO + path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"{BO}/login", path
    page = s.client.get(f"{BO}/login")
    assert "登录商户后台" in page.text
    r = s.client.post(f"{BO}/login", data={"operator": "小王", "token": "wrong",
                                           "csrf": csrf_of(page.text)})
    assert r.status_code == 401 and "管理令牌不正确" in r.text
    r = s.client.post(f"{BO}/login?lang=en", data={"operator": "", "token": "drill-admin",
                                                   "csrf": csrf_of(page.text)})
    assert r.status_code == 422 and "Field 'Operator name': required" in unescape(r.text)
    assert s.client.get(f"{BO}/orders", follow_redirects=False).status_code == 303
    s.login("小王")
    r = s.client.get(f"{BO}/orders?group=stuck&lang=zh")
    assert r.status_code == 200 and "已付款未发货" in r.text and "小王" in r.text
    logins = [(a["operator"], a["outcome"]) for a in s.audit() if a["action"] == "login"]
    assert logins == [("小王", "refused"), ("小王", "done")]


def test_language_switch_is_remembered(shop_factory: ShopFactory) -> None:
    s = shop_factory()
    s.login()
    assert "订单管理" in s.client.get(f"{BO}/orders").text
    assert "Orders" in s.client.get(f"{BO}/orders?lang=en").text
    r = s.client.get(f"{BO}/stock")
    assert "Stock" in r.text and "库存不足" not in r.text and 'lang="en"' in r.text
    assert "库存" in s.client.get(f"{BO}/stock?lang=zh").text


def test_logout_ends_the_session(shop_factory: ShopFactory) -> None:
    s = shop_factory()
    s.login()
    r = s.client.post(f"{BO}/logout", data={"csrf": s.csrf()}, follow_redirects=False)
    assert r.status_code == 303
    assert s.client.get(f"{BO}/orders", follow_redirects=False).status_code == 303
