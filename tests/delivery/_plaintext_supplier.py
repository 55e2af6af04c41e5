"""Stand-in supplier whose purchase reply is plain text starting with the card codes.

Why a stand-in: `fakes.supplier` cuts a committed reply short as JSON (`malformed` +
`truncated`) or answers an HTML error page before committing, but it has no behaviour
that commits and then answers `200 text/plain` beginning with the codes, which is what
test_no_codes_in_logs needs to prove the service never logs an unreadable reply's text.
Everything else (lookup by downstream order number, ledger) mirrors the fake's shapes.

Run as a real process: python tests/delivery/_plaintext_supplier.py --port 0
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runtime.serve import add_server_args, bind_socket, serve


async def buy(request: Request) -> Response:
    body = await request.json()
    orders: dict[str, dict[str, Any]] = request.app.state.orders
    dno = str(body["downstream_order_no"])
    order = orders.get(dno)
    if order is None:
        codes = [f"SUP-{uuid.uuid4().hex[:12]}" for _ in range(int(body.get("quantity", 1)))]
        order = {"order_no": uuid.uuid4().hex[:10], "downstream_order_no": dno,
                 "status": "delivered", "fulfillment": {"payload": codes}}
        orders[dno] = order
    request.app.state.purchases.append({"downstream_order_no": dno,
                                        "codes": order["fulfillment"]["payload"]})
    return Response(" ".join(order["fulfillment"]["payload"]) + " <!-- upstream reply cut -->",
                    200, media_type="text/plain")


async def by_downstream(request: Request) -> Response:
    order = request.app.state.orders.get(request.path_params["dno"])
    if order is None:
        return JSONResponse({"ok": False, "error_code": "order_not_found",
                             "error_message": "not found"}, 404)
    return JSONResponse({"ok": True, "data": order})


async def ledger(request: Request) -> Response:
    return JSONResponse({"items": request.app.state.purchases})


def build() -> Starlette:
    app = Starlette(routes=[
        Route("/api/v1/upstream/orders", buy, methods=["POST"]),
        Route("/api/v1/upstream/orders/by-downstream/{dno}", by_downstream),
        Route("/_fake/ledger", ledger),
    ])
    app.state.orders, app.state.purchases = {}, []
    return app


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description=__doc__)
    add_server_args(p)
    a = p.parse_args()
    serve(build(), bind_socket(a.host, a.port))
