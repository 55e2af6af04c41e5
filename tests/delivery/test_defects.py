"""A few bug-zoo defects do reproduce their bug (the zoo itself lives in drill/zoo.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.delivery._rawhttp import fire
from tests.delivery.conftest import ADMIN, base_config, notify_params
from tests.waiting import wait_until

ALLOW = {"FAKA_DRILL_ALLOW_DEFECTS": "1"}


def test_dup_notify_redeliver(service_factory: Any, tmp_path: Any) -> None:
    svc = service_factory(base_config(f"sqlite:///{tmp_path}/a.sqlite3",
                                      defects=["dup-notify-redeliver"]), env=ALLOW)
    svc.import_keys(5)
    o = svc.order()
    for _ in range(3):
        assert svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00")).text \
            == "success"
    wait_until(lambda: len(svc.export()["deliveries"]) == 3)


def test_no_key_cas_gives_one_key_to_two_orders(service_factory: Any, tmp_path: Any) -> None:
    svc = service_factory(base_config(f"sqlite:///{tmp_path}/b.sqlite3", defects=["no-key-cas"]),
                          env=ALLOW)
    svc.import_keys(50)
    orders = [svc.order() for _ in range(40)]
    pays = [{"method": "GET", "path": "/notify/epay",
             "params": notify_params(o["order_no"], "50.00")} for o in orders]
    asyncio.run(fire(svc.url, pays, conns=40))
    wait_until(lambda: len(svc.export()["deliveries"]) == 40)
    codes = [c for d in svc.export()["deliveries"] for c in d["codes"]]
    assert len(set(codes)) < len(codes)


def test_manual_not_idempotent_burns_a_second_key(service_factory: Any, tmp_path: Any) -> None:
    svc = service_factory(base_config(f"sqlite:///{tmp_path}/c.sqlite3",
                                      defects=["manual-not-idempotent"]), env=ALLOW)
    svc.import_keys(5)
    o = svc.order()
    svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00"))
    wait_until(lambda: svc.export()["deliveries"])
    r = svc.http.post(f"/admin/orders/{o['order_no']}/deliver", headers=ADMIN)
    assert r.json()["created"] is True
    assert svc.export()["stock"][0]["delivered"] == 2
