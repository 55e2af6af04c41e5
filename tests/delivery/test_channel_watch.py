"""A split deployment follows one PUT /admin/channels: two API processes on one port and a
separate worker process, one config file. The change lands in the process that took the
request; the sibling and the worker follow the file (delivery/channel_watch.py), so every
answer shows the new supplier and the worker buys from it, with no restart."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx

from delivery.channel_watch import follow
from delivery.config import Config
from delivery.ctx import Ctx
from delivery.db import Db
from delivery.defects import Defects
from delivery.metrics import Metrics
from runtime import ManagedProcess
from tests.delivery._fakes import purchases
from tests.delivery.conftest import ADMIN, ROOT, Service, base_config, notify_params
from tests.waiting import wait_until


def _start(path: Path, name: str, *extra: str) -> Service:
    proc = ManagedProcess(name, [sys.executable, "-m", "delivery", "--config", str(path),
                                 "--port", "0", *extra], cwd=ROOT)
    proc.start()
    return Service(proc, json.loads(path.read_text()))


def _supplier_urls(url: str, n: int = 20) -> set[str]:
    """The primary supplier's URL as n fresh connections see it (either API process)."""
    seen = set()
    for _ in range(n):
        with httpx.Client(base_url=url, headers=ADMIN, timeout=5) as c:
            seen.add(c.get("/admin/channels").json()["suppliers"]["primary"]["url"])
    return seen


def test_every_process_follows_a_channel_change(db_url: str, tmp_path: Path,
                                                supplier: ManagedProcess,
                                                supplier2: ManagedProcess) -> None:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(base_config(db_url, suppliers={"primary": {"url": supplier.url}})))
    api = _start(path, "api", "--role", "api", "--processes", "2")
    worker = _start(path, "worker", "--role", "worker", "--worker-id", "w1")
    try:
        assert _supplier_urls(api.url) == {supplier.url}
        r = api.admin("PUT", "/admin/channels", json={"suppliers": {"primary": {
            "url": supplier2.url}}})
        assert r.status_code == 200 and r.json()["saved_to"] == str(path), r.text
        wait_until(lambda: _supplier_urls(api.url) == {supplier2.url}, timeout=10,
                   what="both API processes showing the new supplier")
        o = api.order("apple-100")
        assert api.http.get("/notify/epay", params=notify_params(o["order_no"], "100.00")
                            ).text == "success"
        wait_until(lambda: purchases(supplier2), timeout=15,
                   what="the worker buying from the new supplier")
        bought = purchases(supplier2)
        assert len(bought) == 1 and purchases(supplier) == []
        wait_until(lambda: api.export()["deliveries"], timeout=15, what="the delivery")
        assert [d["codes"] for d in api.export()["deliveries"]] == [bought[0]["codes"]]
    finally:
        worker.close()
        api.close()


def test_a_broken_file_keeps_the_running_channels(tmp_path: Path) -> None:
    cfg = Config.model_validate(base_config(f"sqlite:///{tmp_path}/s.sqlite3"))
    ctx = Ctx(cfg=cfg, db=Db(cfg.db_url), defects=Defects([]), metrics=Metrics())
    path = tmp_path / "shop.json"
    before = ctx.cfg
    for text in ("{not json", '["a list"]',
                 json.dumps({**base_config("sqlite://"), "suppliers": {"p": {"url": 5}}})):
        path.write_text(text)
        assert follow(path, ctx, None) is False
        assert ctx.cfg is before
    path.write_text(json.dumps({"alerts": {"dingtalk": "http://127.0.0.1:9/robot/send"}}))
    assert follow(path, ctx, None) is True
    assert ctx.cfg.alerts.model_dump()["dingtalk"] == "http://127.0.0.1:9/robot/send"
    assert follow(path, ctx, None) is False           # the same again: nothing to apply
    ctx.db.close()
