"""setup_channels against a real reference shop whose config file names the wrong gateway:
after the adapter sets the channels through /admin/channels, the next payment goes to the
real gateway, the notify is verified with the new key, the file keeps it across a restart,
and `target check reference` reports every ability present."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from drill.targets import HttpxClient, OrderState, pay_at_gateway
from drill.targets.reference import ReferenceAdapter
from runtime import ManagedProcess
from tests.drill.targets.conftest import ADMIN_TOKEN, PRODUCT, ROOT, probe_item, start_shop
from tests.waiting import wait_until

WRONG = ("http://127.0.0.1:9/", "4242", "not-the-key")


def test_the_next_payment_goes_where_the_api_pointed_it(
        tmp_path: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess,
        http: HttpxClient) -> None:
    shop = start_shop(tmp_path, gateway, toxiproxy, configured=WRONG)
    try:
        adapter = ReferenceAdapter(shop.url, shop.world)
        item = probe_item(2)
        adapter.import_cards(http, PRODUCT, item.codes)
        before = adapter.create_order(http, PRODUCT, 1, "b@example.com")
        assert str(before.extra["pay_url"]).startswith("http://127.0.0.1:9/")

        lines = adapter.setup_channels(http)
        assert lines[0].startswith(f"payment channel: gateway {gateway.url}")
        assert lines[-1] == f"saved to {shop.config}"
        order = adapter.create_order(http, PRODUCT, 1, "b@example.com")
        start = adapter.start_payment(http, order)
        assert start.url == gateway.url + "/submit.php" and start.fields["pid"] == "1001"
        pay_at_gateway(http, shop.world.gateway, start)   # the gateway signs with its key
        done = wait_until(lambda: adapter.poll_status(http, order).state
                          is OrderState.DELIVERED, timeout=20, what="delivered")
        assert done and adapter.read_cards(http, order)[0] in item.codes
    finally:
        shop.proc.stop()
    saved = json.loads(shop.config.read_text(encoding="utf-8"))
    assert saved["gateway"] == {"url": gateway.url, "pid": "1001", "key": "merchantkey"}
    with ManagedProcess("shop-again", [sys.executable, "-m", "delivery", "--config",
                                       str(shop.config), "--port", "0"], cwd=ROOT) as again:
        r = httpx.get(again.url + "/admin/channels",
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.json()["gateway"]["url"] == gateway.url


def test_target_check_reference_reports_every_ability(
        tmp_path: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess) -> None:
    shop = start_shop(tmp_path, gateway, toxiproxy, configured=WRONG)
    try:
        adapter = ReferenceAdapter(shop.url, shop.world)
        with HttpxClient() as http:
            adapter.import_cards(http, PRODUCT, probe_item(3).codes)
        r = subprocess.run([sys.executable, str(ROOT / "harness.py"), "target", "check",
                            "reference", "--url", shop.url, "--gateway-url", gateway.url,
                            "--pid", "1001", "--key", "merchantkey"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    finally:
        shop.proc.stop()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[ok  ] setup_channels: works" in r.stdout and "[ok  ] purchase: works" in r.stdout
    assert "no ability is missing." in r.stdout and "abilities missing" not in r.stdout
