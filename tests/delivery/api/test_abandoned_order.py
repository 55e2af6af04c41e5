"""An order request whose buyer hung up before it was served (on an overloaded shop it
queued past the buyer's timeout: the shop reads the request and the FIN together) makes
no order and locks no key; otherwise a flash sale's stock is held for the whole expiry by
orders nobody knows of. Real process on loopback; TCP_CORK sends the request and the FIN
in one segment, so the shop reads both at once, as it does after a long queue."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

from tests.delivery.conftest import base_config

BODY = json.dumps({"product_id": "steam-50", "quantity": 1, "contact": "gone@x.cn"}).encode()
REQUEST = (b"POST /api/orders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY))


def _send_and_hang_up(url: str) -> bytes:
    """Send the order request with the FIN in the same segment; whatever comes back."""
    where = urlsplit(url)
    with socket.create_connection((str(where.hostname), int(where.port or 80)), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        s.sendall(REQUEST)
        s.shutdown(socket.SHUT_WR)  # with the cork on, the FIN rides on the request's segment
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        return s.recv(4096)  # b"" once the shop closes its side


def _abandoned(svc: Any) -> float:
    lines = svc.http.get("/metrics").text.splitlines()
    return float(next(ln.split()[-1] for ln in lines
                      if ln.startswith("faka_orders_abandoned_total ")))


def test_a_hung_up_order_request_reserves_nothing(tmp_path: Any, service_factory: Any) -> None:
    svc = service_factory(base_config(f"sqlite:///{tmp_path}/shop.sqlite3"))
    svc.import_keys(2)
    assert _send_and_hang_up(svc.url) == b""
    assert _abandoned(svc) == 1.0
    ex = svc.export()
    assert ex["orders"] == [] and ex["stock"][0]["available"] == 2, ex["stock"]
    svc.order()  # the same request from a buyer who waits is served
    assert svc.export()["stock"][0]["available"] == 1
