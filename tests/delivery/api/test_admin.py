"""Admin API in process: the Bearer guard, query numbers (finite, in range), stock import,
manual delivery, review and refund; order age measured on the injected clock."""

from __future__ import annotations

from pathlib import Path

from tests.delivery.conftest import ADMIN
from tests.delivery.inproc import shop
from tests.waiting import wait_until


def test_admin_needs_the_bearer_token(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        for auth in (None, "Bearer wrong", "Basic x", "Bearer \u00e9".encode(), b"Bearer \xff"):
            headers = {} if auth is None else {"Authorization": auth}
            r = s.client.get("/admin/export", headers=headers)
            assert r.status_code == 401 and "Bearer" in r.json()["error"], headers
        assert s.client.get("/admin/export", headers=ADMIN).status_code == 200


def test_query_numbers_must_be_finite_and_in_range(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        for value in ("1e999", "-1e999", "inf", "nan", "Infinity"):
            r = s.admin("GET", "/admin/orders", params={"older_than_s": value})
            assert r.status_code == 400, (value, r.text)
            assert r.json() == {"status": 400, "error": f"query parameter older_than_s="
                                f"{value!r} must be a finite number in [0, 1000000000]"}
        for name, value, needle in (("limit", "-3", "out of range"),
                                    ("limit", "ten", "is not a number"),
                                    ("older_than_s", "1e12", "out of range")):
            r = s.admin("GET", "/admin/orders", params={name: value})
            assert r.status_code == 400 and needle in r.json()["error"], (name, value)
        r = s.admin("GET", "/admin/api-log", params={"limit": "1e400"})
        assert r.status_code == 400


def test_older_than_counts_on_the_service_clock(tmp_path: Path) -> None:
    with shop(tmp_path) as s:
        s.import_keys(["K-1", "K-2"])
        old = s.order()
        s.clock.advance(120)  # two minutes pass for the service, none for the test
        s.order()
        rows = s.admin("GET", "/admin/orders", params={"older_than_s": "60"}).json()["orders"]
        assert [o["order_no"] for o in rows] == [old["order_no"]]
        r = s.admin("GET", "/admin/orders", params={"status": "pending_payment"})
        assert len(r.json()["orders"]) == 2


def test_import_deliver_review_refund(tmp_path: Path) -> None:
    with shop(tmp_path, risk={"mode": "review", "max_amount": "10.00"}) as s:
        r = s.admin("POST", "/admin/stock/import", json={"product_id": "steam-50", "codes": "x"})
        assert r.status_code == 422
        r = s.admin("POST", "/admin/stock/import", json={"product_id": "nope", "codes": ["a"]})
        assert r.status_code == 404
        r = s.admin("POST", "/admin/stock/import", json={"product_id": "steam-50",
                                                         "codes": ["K-1", "K-1", "K-2"]})
        assert r.json() == {"imported": 2, "duplicates": 1}
        held, second = s.order(), s.order()  # 50.00 > max_amount: held for review
        assert s.admin("POST", f"/admin/orders/{held['order_no']}/deliver").status_code == 409
        s.pay(held, "T-1")
        s.pay(second, "T-2")
        assert s.status(held)["status"] == "review"
        r = s.admin("POST", f"/admin/orders/{held['order_no']}/review", json={"approve": "yes"})
        assert r.status_code == 422
        r = s.admin("POST", f"/admin/orders/{held['order_no']}/review", json={"approve": True})
        assert r.json()["status"] == "paid"
        wait_until(lambda: s.status(held)["delivered"], timeout=10, what="approved delivered")
        r = s.admin("POST", f"/admin/orders/{second['order_no']}/review", json={"approve": False})
        assert r.json()["status"] == "refund_needed"
        r = s.admin("POST", f"/admin/orders/{second['order_no']}/refund")
        assert r.json() == {"order_no": second["order_no"], "status": "refunded"}
        r = s.admin("POST", f"/admin/orders/{second['order_no']}/refund")
        assert r.status_code == 409 and "allowed" in r.json()["error"]
        rules = [a["rule"] for a in s.admin("GET", "/admin/alerts").json()["alerts"]]
        assert "refund_needed" in rules
        again = s.admin("POST", f"/admin/orders/{held['order_no']}/deliver").json()
        assert again["created"] is False and again["cards"] == s.status(held)["cards"]
        resent = s.admin("POST", f"/admin/orders/{held['order_no']}/resend").json()
        assert resent["cards"] == again["cards"] and resent["resent"] is True
        assert s.admin("POST", "/admin/orders/nope/retry").status_code == 409
