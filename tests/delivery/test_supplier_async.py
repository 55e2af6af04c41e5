"""Real `fakes.supplier` processes fulfilling asynchronously, and the shop handling each
way the invariants demand: a processing order is awaited (a "not found" meanwhile is no
failure, nothing is bought twice), a partial fulfilment is topped up under the next
part's key, a cancelled one is bought again elsewhere, and the buyer is told "delivered"
only with exactly `quantity` codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from delivery.procure import max_parts
from runtime import ManagedProcess
from tests.delivery._fakes import ledger, purchases
from tests.delivery.conftest import base_config, notify_params, supplier_fake
from tests.waiting import wait_until

ASYNC = {"async_rate": 1.0, "processing_s": 1.0}  # accepted, keys 1 s later (time_scale 1)


def _supplier(name: str, behaviour: dict[str, Any]) -> ManagedProcess:
    return supplier_fake(name, "--behaviour", json.dumps(behaviour))


@pytest.fixture
def backup() -> Iterator[ManagedProcess]:
    with _supplier("backup", {}) as p:
        yield p


def _buy(db_url: str, service_factory: Any, primary: ManagedProcess, backup: ManagedProcess,
         qty: int, **policy: Any) -> tuple[Any, dict[str, Any]]:
    cfg = base_config(db_url, suppliers={"primary": {"url": primary.url},
                                         "backup": {"url": backup.url}})
    cfg["supplier_policy"].update({"processing_poll_s": 0.1, "processing_wait_s": 20, **policy})
    cfg["risk"] = {"max_amount": "100000.00"}
    svc = service_factory(cfg)
    o = svc.order("apple-100", qty=qty)
    assert svc.http.get("/notify/epay",
                        params=notify_params(o["order_no"], o["amount"])).text == "success"
    return svc, o


def _view(svc: Any, o: dict[str, Any]) -> dict[str, Any]:
    r = svc.http.get(f"/api/orders/{o['order_no']}", params={"token": o["token"]})
    return dict(r.json())


def _cards(svc: Any, o: dict[str, Any]) -> list[str]:
    r = svc.http.get(f"/api/orders/{o['order_no']}/cards", params={"token": o["token"]})
    return list(r.json()["cards"])


def _sold(sup: ManagedProcess) -> list[dict[str, Any]]:
    return [p for p in purchases(sup) if not p["replayed"] and p.get("status") != "cancelled"
            and p["outcome"] in ("delivered", "accepted")]


def test_processing_with_not_found_is_awaited_never_bought_twice(
        db_url: str, service_factory: Any, backup: ManagedProcess) -> None:
    with _supplier("primary", {**ASYNC, "not_found_while_processing": 1.0}) as primary:
        svc, o = _buy(db_url, service_factory, primary, backup, qty=3)
        wait_until(lambda: _view(svc, o)["status"] == "delivered", timeout=20)
        [bought] = _sold(primary)
        assert (bought["quantity"], bought["given"], bought["status"]) == (3, 3, "delivered")
        assert sorted(_cards(svc, o)) == sorted(bought["codes"])
        assert purchases(backup) == [], "a processing order must never be bought elsewhere"
        looks = [c["outcome"] for c in svc.export()["supplier_calls"]
                 if c["endpoint"].startswith("GET")]
        assert "not_found" in looks and looks[-1] == "ok", looks


def test_partial_fulfilment_is_topped_up(db_url: str, service_factory: Any,
                                         backup: ManagedProcess) -> None:
    with _supplier("primary", {**ASYNC, "partial_rate": 1.0}) as primary:
        svc, o = _buy(db_url, service_factory, primary, backup, qty=3)
        wait_until(lambda: _view(svc, o)["status"] == "delivered", timeout=30)
        bought = _sold(primary) + _sold(backup)
        first = bought[0]
        assert (first["downstream_order_no"], first["quantity"]) == (o["order_no"], 3)
        assert first["status"] == "partially_delivered" and 1 <= first["given"] <= 2
        assert bought[1]["downstream_order_no"] == f"{o['order_no']}-p2"
        assert bought[1]["quantity"] == 3 - first["given"], "asks only for what is missing"
        codes = _cards(svc, o)
        assert len(codes) == len(set(codes)) == 3
        assert set(codes) == {c for p in bought for c in p["codes"]}


def test_cancelled_by_supplier_is_bought_at_the_backup(db_url: str, service_factory: Any,
                                                       backup: ManagedProcess) -> None:
    with _supplier("primary", {**ASYNC, "cancel_rate": 1.0}) as primary:
        svc, o = _buy(db_url, service_factory, primary, backup, qty=2)
        wait_until(lambda: _view(svc, o)["status"] == "delivered", timeout=20)
        assert [p["status"] for p in purchases(primary)] == ["cancelled"]
        [bought] = purchases(backup)
        assert bought["downstream_order_no"] == f"{o['order_no']}-p2"
        assert sorted(_cards(svc, o)) == sorted(bought["codes"])


def test_too_slow_is_cancelled_by_the_shop_then_bought_elsewhere(
        db_url: str, service_factory: Any, backup: ManagedProcess) -> None:
    with _supplier("primary", {**ASYNC, "processing_s": 600.0}) as primary:
        svc, o = _buy(db_url, service_factory, primary, backup, qty=1, processing_wait_s=1.0)
        wait_until(lambda: _view(svc, o)["status"] == "delivered", timeout=20)
        [cancel] = ledger(primary, "cancels")
        assert cancel["outcome"] == "cancelled"
        assert [(p["status"], p["cancelled_by"]) for p in purchases(primary)] == [
            ("cancelled", "shop")]
        assert len(purchases(backup)) == 1 and len(_cards(svc, o)) == 1


def test_partial_every_time_still_completes(db_url: str, service_factory: Any) -> None:
    """Every part of 2+ units partial: each part brings >= 1 code, so the order completes."""
    partial = {**ASYNC, "partial_rate": 1.0}
    with _supplier("primary", partial) as primary, _supplier("backup", partial) as other:
        svc, o = _buy(db_url, service_factory, primary, other, qty=4)
        wait_until(lambda: _view(svc, o)["status"] in ("manual", "delivered"), timeout=40)
        assert _view(svc, o)["status"] == "delivered"
        bought = _sold(primary) + _sold(other)
        assert sum(p["given"] for p in bought) == 4 and 2 <= len(bought) <= 4
        assert len(set(_cards(svc, o))) == 4


def test_short_after_every_part_is_escalated_not_delivered(
        db_url: str, service_factory: Any) -> None:
    cancel = {**ASYNC, "cancel_rate": 1.0}
    with _supplier("primary", cancel) as primary, _supplier("backup", cancel) as other:
        svc, o = _buy(db_url, service_factory, primary, other, qty=2)
        wait_until(lambda: _view(svc, o)["status"] in ("manual", "delivered"), timeout=40)
        assert _view(svc, o)["status"] == "manual", "never 'delivered' with fewer codes"
        tried = purchases(primary) + purchases(other)
        assert len(tried) == max_parts(2), "purchases are bounded: quantity + spare parts"
        alerts = [a for a in svc.export().get("alerts", []) if a["rule"] == "manual_escalation"]
        assert alerts and "0 of 2" in json.dumps(alerts)
