"""Risk control at PAYMENT time, real processes: orders placed while clean, the service
restarted with a stricter risk config (blacklisted contact / order-time IP, lower amount
limit), then paid: block → refund_needed + alert (keys released, nothing delivered, the
notify still answers `success` and stays idempotent), review → held, pass_then_review →
delivered and flagged. Velocity of paid orders per contact in block mode (in process,
injected clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.delivery._fakes import SCALE
from tests.delivery.conftest import base_config, notify_params
from tests.delivery.inproc import Shop, shop
from tests.waiting import wait_until

LATE = "late@x.cn"  # blacklisted after the orders were placed
BAD_IP = "10.9.9.9"


def _http(svc: Any) -> Any:
    return svc.client if isinstance(svc, Shop) else svc.http


def _order(svc: Any, contact: str, ip: str, qty: int = 1) -> dict[str, Any]:
    r = _http(svc).post("/api/orders", headers={"X-Buyer-IP": ip},
                      json={"product_id": "steam-50", "quantity": qty, "contact": contact})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _notify(svc: Any, o: dict[str, Any]) -> str:
    r = _http(svc).get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
    return f"{r.status_code} {r.text}"


def _rows(svc: Any) -> dict[str, dict[str, Any]]:
    return {o["order_no"]: o for o in svc.admin("GET", "/admin/orders").json()["orders"]}


def test_payment_time_risk_per_mode(db_url: str, service_factory: Any) -> None:
    def cfg(mode: str, **risk: Any) -> dict[str, Any]:
        return base_config(db_url, time_scale=SCALE, order_expiry_s=60000,
                           risk={"mode": mode, **risk})
    strict = {"blacklist": [LATE, BAD_IP], "max_amount": "100.00"}
    svc = service_factory(cfg("block"))
    svc.import_keys(10)
    by_contact, by_ip = _order(svc, LATE, "10.0.0.1"), _order(svc, "ip@x.cn", BAD_IP)
    big, clean = _order(svc, "big@x.cn", "10.0.0.3", qty=3), _order(svc, "ok@x.cn", "10.0.0.4")
    held, flagged = _order(svc, LATE, "10.0.0.5"), _order(svc, "f@x.cn", BAD_IP)
    svc.close()

    svc = service_factory(cfg("block", **strict))
    refused = [by_contact, by_ip, big]
    assert [_notify(svc, o) for o in [*refused, clean]] == ["200 success"] * 4
    assert _notify(svc, by_contact) == "200 success"  # duplicate: nothing changes
    wait_until(lambda: _rows(svc)[clean["order_no"]]["status"] == "delivered")
    rows = _rows(svc)
    assert [(rows[o["order_no"]]["status"], rows[o["order_no"]]["risk"]) for o in refused] \
        == [("refund_needed", "blocked")] * 3
    assert all(rows[o["order_no"]]["paid_at"] for o in refused)  # money taken
    ex = svc.export()
    assert [d["order_no"] for d in ex["deliveries"]] == [clean["order_no"]]
    assert len(ex["payments"]) == 4
    assert ex["stock"][0] == {"product_id": "steam-50", "available": 7, "reserved": 2,
                              "delivered": 1}  # refused orders' 5 keys are back
    alerts = [a for a in ex["alerts"] if a["rule"] == "refund_needed"]
    assert alerts and "refused by risk control at payment time" in alerts[0]["message"]
    cards = svc.http.get(f"/api/orders/{by_contact['order_no']}/cards",
                         params={"token": by_contact["token"]})
    assert cards.status_code == 409
    r = svc.admin("POST", f"/admin/orders/{by_contact['order_no']}/refund")
    assert r.json()["status"] == "refunded"
    svc.close()

    svc = service_factory(cfg("review", **strict))
    assert _notify(svc, held) == "200 success"
    row = _rows(svc)[held["order_no"]]
    assert (row["status"], row["risk"]) == ("review", "hold")
    svc.close()

    svc = service_factory(cfg("pass_then_review", **strict))
    assert _notify(svc, flagged) == "200 success"
    wait_until(lambda: _rows(svc)[flagged["order_no"]]["status"] == "delivered")
    assert _rows(svc)[flagged["order_no"]]["risk"] == "post_review"
    assert _notify(svc, flagged) == "200 success"
    assert len(svc.export()["deliveries"]) == 2


def test_paid_velocity_per_contact(tmp_path: Path) -> None:
    """In process: one PAID order a scenario minute per contact; the order-time minute
    passes on the service clock."""
    risk = {"mode": "block", "per_contact_per_min": 1}
    with shop(tmp_path, order_expiry_s=6000, risk=risk) as svc:
        svc.import_keys([f"K-{i}" for i in range(5)])
        first, other = _order(svc, "v@x.cn", "10.0.0.1"), _order(svc, "w@x.cn", "10.0.0.2")
        svc.clock.advance(61)  # the order-time minute has passed
        second = _order(svc, "v@x.cn", "10.0.0.3")  # allowed at order time
        assert [_notify(svc, o) for o in (first, other, second)] == ["200 success"] * 3
        rows = _rows(svc)
        assert rows[second["order_no"]]["status"] == "refund_needed"  # 2 paid within a minute
        assert rows[second["order_no"]]["risk"] == "blocked"
        wait_until(lambda: {_rows(svc)[o["order_no"]]["status"] for o in (first, other)}
                   == {"delivered"}, timeout=10, what="the other two delivered")
