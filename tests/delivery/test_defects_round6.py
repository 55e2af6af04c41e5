"""Holdout round 6 defects do reproduce their bug in the service (docs/zoo-holdout.md,
Round 6); the flag off is the rest of the suite."""

from __future__ import annotations

from typing import Any

from tests.delivery.conftest import ADMIN, base_config, notify_params
from tests.waiting import wait_until

ALLOW = {"FAKA_DRILL_ALLOW_DEFECTS": "1"}
TWO_LOCAL = [{"id": "steam-50", "name": "Steam 50", "price": "50.00", "kind": "local"},
             {"id": "vip-2-50", "name": "VIP", "price": "2.50", "kind": "local"}]


def _svc(service_factory: Any, tmp_path: Any, name: str, *extra: str, **over: Any) -> Any:
    """The service with the one defect; `--role api` (extra): no worker delivers."""
    return service_factory(base_config(f"sqlite:///{tmp_path}/{name}.sqlite3", defects=[name],
                                       **over), *extra, env=ALLOW)


def test_reserved_codes_shown_before_payment(service_factory: Any, tmp_path: Any) -> None:
    svc = _svc(service_factory, tmp_path, "reserved-codes-shown")
    codes = svc.import_keys(3)
    o = svc.order(qty=2)
    body = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]}).json()
    assert body["status"] == "pending_payment"
    assert body["cards"] == codes[:2]


def test_keys_of_any_product_delivers_another_products_key(service_factory: Any,
                                                           tmp_path: Any) -> None:
    svc = _svc(service_factory, tmp_path, "keys-of-any-product", products=TWO_LOCAL)
    steam = svc.import_keys(2, "steam-50", "S")
    svc.import_keys(2, "vip-2-50", "V")
    o = svc.order("vip-2-50")
    svc.http.get("/notify/epay", params=notify_params(o["order_no"], "2.50"))
    wait_until(lambda: svc.export()["deliveries"])
    assert svc.export()["deliveries"][0]["codes"] == steam[:1]


def test_manual_codes_not_shown_to_the_buyer(service_factory: Any, tmp_path: Any) -> None:
    svc = _svc(service_factory, tmp_path, "manual-codes-not-shown", "--role", "api")
    svc.import_keys(2)
    o = svc.order()
    svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00"))
    r = svc.http.post(f"/admin/orders/{o['order_no']}/deliver", headers=ADMIN)
    assert len(r.json()["cards"]) == 1  # the operator sees the key
    body = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]}).json()
    assert body["status"] == "delivered" and body["cards"] == []


def test_paid_releases_reservation_frees_the_keys(service_factory: Any, tmp_path: Any) -> None:
    svc = _svc(service_factory, tmp_path, "paid-releases-reservation", "--role",
               "api")
    svc.import_keys(1)
    o = svc.order()
    assert svc.export()["stock"][0]["reserved"] == 1
    svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00"))
    assert svc.export()["stock"][0]["available"] == 1  # a paid order holds nothing
    svc.order()  # so the next buyer gets the key
