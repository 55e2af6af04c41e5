"""GET /admin/audit: the audit log as JSON for the scoring, behind the admin token."""

from __future__ import annotations

from tests.delivery.backoffice.conftest import BO, Shop
from tests.delivery.conftest import ADMIN


def test_audit_json_shape_paging_and_token(shop: Shop) -> None:
    no = shop.order()
    shop.client.get(f"{BO}/orders?group=stuck")
    shop.post(f"/orders/{no}/deliver")
    r = shop.client.get("/admin/audit")
    assert r.status_code == 401 and r.json()["status"] == 401
    r = shop.client.get("/admin/audit", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    doc = shop.client.get("/admin/audit", headers=ADMIN).json()
    rows = doc["audit"]
    assert [(a["action"], a["outcome"]) for a in rows] == [
        ("login", "done"), ("view", "done"), ("deliver", "done")]
    assert set(rows[2]) == {"id", "at", "operator", "action", "order_no", "outcome", "detail"}
    assert rows[2]["order_no"] == no and rows[2]["operator"] == "小王"
    assert rows[2]["detail"]["source"] == "manual" and len(rows[2]["detail"]["codes"]) == 1
    assert doc["last_id"] == rows[-1]["id"]
    later = shop.client.get("/admin/audit", headers=ADMIN,
                            params={"since_id": rows[1]["id"]}).json()
    assert [a["action"] for a in later["audit"]] == ["deliver"]
    assert shop.audit(order_no=no)[0]["action"] == "deliver"
    assert len(shop.audit(limit=1)) == 1


def test_audit_json_refuses_bad_parameters(shop: Shop) -> None:
    for params in ({"since_id": "-1"}, {"limit": "x"}, {"limit": str(10**9)}):
        r = shop.client.get("/admin/audit", headers=ADMIN, params=params)
        assert r.status_code == 400 and "must be a whole number" in r.json()["error"], params
    r = shop.client.post("/admin/audit", headers=ADMIN)
    assert r.status_code == 405


def test_audit_page_lists_the_actions(shop: Shop) -> None:
    no = shop.order()
    shop.post(f"/orders/{no}/deliver")
    r = shop.client.get(f"{BO}/audit")
    assert r.status_code == 200 and no in r.text and "deliver" in r.text and "小王" in r.text
