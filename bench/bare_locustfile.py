"""The anchor for bench/harness_cost.py: a bare Locust FastHttpUser doing the buyer flow's requests.

    locust -f bench/bare_locustfile.py --headless -u 128 -r 128 -t 10s -H http://STANDIN

Same requests, in the same order, as drill/load/buyer.py against the same
stand-in shop and gateway fake (a quarter of the buyers read the catalogue,
then create → submit.php → pay → after 50 ms poll the status until delivered),
but nothing recorded: no ops, no lean client, no arrival schedule. Whatever
our flow costs above this is the harness's own overhead. The gateway's URL
comes from the create reply, as for a real buyer.
"""

from __future__ import annotations

import itertools
import os
import random
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

PRODUCT = os.environ.get("BARE_PRODUCT", "steam-50")
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_SEQ = itertools.count()


class BareBuyer(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 10.0
    connection_timeout = 5.0

    @task
    def order(self) -> None:
        n = next(_SEQ)
        c = self.client
        if n % 4 == 0:
            c.get("/api/products", name="/api/products")
        qty = random.choice((1, 1, 1, 1, 1, 1, 1, 1, 2, 3))
        r = c.post("/api/orders", json={"product_id": PRODUCT, "quantity": qty,
                                        "contact": f"bare{n}@drill.test"},
                   headers={"X-Buyer-IP": "10.0.0.1"}, name="create_order")
        body: dict[str, Any] = r.json() if r.status_code == 201 else {}
        if not body:
            return
        sub = c.post(body["pay_url"], data=urlencode(body["pay_params"]), headers=_FORM,
                     name="gateway_submit").json()
        base = body["pay_url"].rsplit("/", 1)[0]
        c.post(f"{base}/pay/{sub['trade_no']}", data=b"", name="gateway_pay")
        gevent.sleep(0.05)
        for _ in range(20):
            s = c.get(f"/api/orders/{body['order_no']}?token={body['token']}",
                      name="/api/orders/[no]").json()
            if s.get("delivered"):
                return
            gevent.sleep(0.1)
