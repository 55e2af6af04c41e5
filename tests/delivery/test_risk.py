"""Risk control at order time: block (403 with the reason), review (paid
order held; approve → delivered, reject → refund_needed (+ alert) then refunded),
pass_then_review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.delivery._fakes import SCALE
from tests.delivery.conftest import base_config, notify_params
from tests.delivery.inproc import Shop, shop
from tests.waiting import wait_until

RISKY = "risky@x.cn"


def _post(svc: Any, contact: str, ip: str | None = None, qty: int = 1) -> Any:
    headers = {"X-Buyer-IP": ip} if ip else {}
    http = svc.client if isinstance(svc, Shop) else svc.http
    return http.post("/api/orders", headers=headers,
                         json={"product_id": "steam-50", "quantity": qty, "contact": contact})


def _refused(r: Any, reason: str) -> None:
    assert r.status_code == 403, r.text
    assert r.json() == {"error": f"order refused by risk control ({reason})", "status": 403}


def test_block_mode_limits_velocity_blacklist(tmp_path: Path) -> None:
    """In process: the velocity minute passes on the service clock, not the test's."""
    risk = {"mode": "block", "max_amount": "100.00", "per_contact_per_min": 2,
            "per_ip_per_min": 3, "blacklist": ["bad@x.cn", "10.6.6.6"]}
    with shop(tmp_path, risk=risk) as svc:
        svc.import_keys([f"K-{i}" for i in range(20)])
        _refused(_post(svc, "big@x.cn", "10.0.0.1", qty=3), "amount_limit")  # 150.00 > 100.00
        assert _post(svc, "two@x.cn", "10.0.0.2", qty=2).status_code == 201  # 100.00 allowed
        _refused(_post(svc, "bad@x.cn", "10.0.0.3"), "blacklist")
        _refused(_post(svc, "ok@x.cn", "10.6.6.6"), "blacklist")
        # per contact: 2 a minute, from different addresses
        assert [_post(svc, "c@x.cn", f"10.1.0.{i}").status_code for i in range(2)] == [201] * 2
        _refused(_post(svc, "c@x.cn", "10.1.0.9"), "contact_velocity")
        # per IP (X-Buyer-IP): 3 a minute, different contacts
        assert [_post(svc, f"u{i}@x.cn", "10.2.0.1").status_code for i in range(3)] == [201] * 3
        _refused(_post(svc, "u9@x.cn", "10.2.0.1"), "ip_velocity")
        ex = svc.admin("GET", "/admin/export").json()
        assert len(ex["orders"]) == 6 and ex["stock"][0]["reserved"] == 7  # refused: none held
        svc.clock.advance(61)  # the minute has passed
        assert _post(svc, "u10@x.cn", "10.2.0.1").status_code == 201
        assert _post(svc, "c@x.cn", "10.1.0.10").status_code == 201


def _pay(svc: Any, contact: str) -> dict[str, Any]:
    r = _post(svc, contact)
    assert r.status_code == 201, r.text
    o = dict(r.json())
    assert svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00")).text \
        == "success"
    return o


def test_review_mode_holds_then_approve_or_reject(db_url: str, service_factory: Any) -> None:
    cfg = base_config(db_url, time_scale=SCALE, order_expiry_s=6000,
                      risk={"mode": "review", "blacklist": [RISKY]},
                      monitor={"every_s": 6, "review_backlog_above": 1, "low_stock_below": 0})
    svc = service_factory(cfg)
    svc.import_keys(5)
    clean = _pay(svc, "fine@x.cn")
    held = [_pay(svc, RISKY) for _ in range(3)]

    def statuses() -> dict[str, str]:
        return {o["order_no"]: o["status"] for o in svc.export()["orders"]}
    wait_until(lambda: statuses()[clean["order_no"]] == "delivered")
    assert [statuses()[o["order_no"]] for o in held] == ["review"] * 3
    assert [d["order_no"] for d in svc.export()["deliveries"]] == [clean["order_no"]]
    listed = svc.admin("GET", "/admin/orders", params={"status": "review"}).json()["orders"]
    assert sorted(o["order_no"] for o in listed) == sorted(o["order_no"] for o in held)
    backlog = wait_until(lambda: [a for a in svc.admin("GET", "/admin/alerts").json()["alerts"]
                                  if a["rule"] == "review_backlog"], timeout=10)
    assert backlog[0]["message"] in ("2 orders waiting for review", "3 orders waiting for review")

    def review(o: dict[str, Any], approve: bool) -> Any:
        return svc.admin("POST", f"/admin/orders/{o['order_no']}/review", json={"approve": approve})
    assert review(held[0], True).json()["status"] == "paid"
    wait_until(lambda: statuses()[held[0]["order_no"]] == "delivered")
    cards = svc.http.get(f"/api/orders/{held[0]['order_no']}/cards",
                         params={"token": held[0]["token"]})
    assert cards.status_code == 200 and len(cards.json()["cards"]) == 1
    assert review(held[0], True).status_code == 409  # no longer waiting
    available = svc.export()["stock"][0]["available"]
    # rejected after payment: the money was taken, so refund_needed + alert, key released
    assert review(held[1], False).json() == {"order_no": held[1]["order_no"],
                                             "status": "refund_needed"}
    assert statuses()[held[1]["order_no"]] == "refund_needed"
    assert svc.export()["stock"][0]["available"] == available + 1  # its key is released
    assert [a for a in svc.admin("GET", "/admin/alerts").json()["alerts"]
            if a["rule"] == "refund_needed"]
    assert review(held[1], False).status_code == 409  # no longer waiting
    r = svc.admin("POST", f"/admin/orders/{held[1]['order_no']}/refund")
    assert r.json() == {"order_no": held[1]["order_no"], "status": "refunded"}
    r = svc.admin("POST", f"/admin/orders/{held[2]['order_no']}/refund")  # straight from review
    assert r.json()["status"] == "refunded"
    assert svc.export()["stock"][0]["available"] == available + 2
    assert review(held[2], True).status_code == 409
    assert review(held[1], "maybe").status_code == 422  # type: ignore[arg-type]


def test_pass_then_review_delivers_and_flags(service_factory: Any, tmp_path: Any) -> None:
    cfg = base_config(f"sqlite:///{tmp_path}/s.sqlite3", time_scale=SCALE,
                      risk={"mode": "pass_then_review", "blacklist": [RISKY]})
    svc = service_factory(cfg)
    svc.import_keys(2)
    risky, fine = _pay(svc, RISKY), _pay(svc, "fine@x.cn")
    wait_until(lambda: len(svc.export()["deliveries"]) == 2)
    rows = {o["order_no"]: o for o in svc.admin("GET", "/admin/orders").json()["orders"]}
    assert rows[risky["order_no"]]["status"] == "delivered"
    assert rows[risky["order_no"]]["risk"] == "post_review"
    assert rows[fine["order_no"]]["risk"] == "ok"
