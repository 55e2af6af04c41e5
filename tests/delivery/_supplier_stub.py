"""A tiny stand-in for the supplier API, the gateway order query and the IM/mail sink.

Run as a real process: python tests/delivery/_supplier_stub.py --port 0 [--semantics reject]
Control: PUT /_stub/behaviour {"latency_ms", "down", "commit_then_timeout_ms", "semantics",
"garbled" (commit, then reply 200 text/plain starting with the codes)},
PUT /_stub/gateway {"<out_trade_no>": {"trade_no", "money"}}, GET /_stub/ledger.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runtime.serve import add_server_args, bind_socket, serve


def build(semantics: str) -> Starlette:
    state: dict = {"b": {"latency_ms": 0, "down": False, "commit_then_timeout_ms": 0,
                         "semantics": semantics, "garbled": False},
                   "orders": {}, "purchases": [], "queries": 0, "paid": {}, "messages": []}

    async def buy(request: Request) -> Response:
        b = state["b"]
        body = await request.json()
        if b["latency_ms"]:
            await asyncio.sleep(b["latency_ms"] / 1000)
        if b["down"]:
            state["purchases"].append({"downstream_order_no": body.get("downstream_order_no"),
                                       "outcome": "down"})
            return JSONResponse({"ok": False, "error_code": "internal_error",
                                 "error_message": "down"}, 503)
        dno = body["downstream_order_no"]
        if dno in state["orders"]:
            state["purchases"].append({"downstream_order_no": dno, "outcome": "repeat"})
            if b["semantics"] == "reject":
                return JSONResponse({"ok": False, "error_code": "duplicate_request",
                                     "error_message": "The request ID already exists"}, 409)
            return JSONResponse({"ok": True, "data": state["orders"][dno]})
        codes = [f"SUP-{uuid.uuid4().hex[:12]}" for _ in range(int(body.get("quantity", 1)))]
        order = {"order_no": uuid.uuid4().hex[:10], "downstream_order_no": dno,
                 "status": "delivered", "fulfillment": {"payload": codes}}
        state["orders"][dno] = order
        state["purchases"].append({"downstream_order_no": dno, "outcome": "ok", "codes": codes,
                                   "at": time.time()})
        if b["commit_then_timeout_ms"]:
            await asyncio.sleep(b["commit_then_timeout_ms"] / 1000)
        if b["garbled"]:  # committed, but the reply is not JSON and starts with the codes
            return Response(" ".join(codes) + " <!-- upstream reply cut -->", 200,
                            media_type="text/plain")
        return JSONResponse({"ok": True, "data": order})

    async def by_downstream(request: Request) -> Response:
        state["queries"] += 1
        if state["b"]["down"]:
            return JSONResponse({"ok": False, "error_code": "internal_error"}, 503)
        o = state["orders"].get(request.path_params["dno"])
        if o is None:
            return JSONResponse({"ok": False, "error_code": "order_not_found",
                                 "error_message": "not found"}, 404)
        return JSONResponse({"ok": True, "data": o})

    async def behaviour(request: Request) -> Response:
        state["b"].update(await request.json())
        return JSONResponse(state["b"])

    async def gateway_set(request: Request) -> Response:
        state["paid"].update(await request.json())
        return JSONResponse({"ok": True})

    async def epay_query(request: Request) -> Response:
        q = request.query_params
        p = state["paid"].get(q.get("out_trade_no", ""))
        if p is None:
            return JSONResponse({"code": 1, "msg": "ok", "status": 0,
                                 "out_trade_no": q.get("out_trade_no")})
        return JSONResponse({"code": 1, "msg": "ok", "status": 1, "trade_no": p["trade_no"],
                             "out_trade_no": q.get("out_trade_no"), "money": p["money"]})

    async def sink(request: Request) -> Response:
        state["messages"].append({"path": request.url.path, "body": await request.json()})
        return JSONResponse({"errcode": 0, "ok": True})

    async def ledger(request: Request) -> Response:
        return JSONResponse({k: state[k] for k in ("purchases", "queries", "messages")})

    return Starlette(routes=[
        Route("/api/v1/upstream/orders", buy, methods=["POST"]),
        Route("/api/v1/upstream/orders/by-downstream/{dno}", by_downstream),
        Route("/_stub/behaviour", behaviour, methods=["PUT"]),
        Route("/_stub/gateway", gateway_set, methods=["PUT"]),
        Route("/_stub/ledger", ledger),
        Route("/api.php", epay_query),
        Route("/robot/send", sink, methods=["POST"]),
        Route("/bot{token}/sendMessage", sink, methods=["POST"]),
        Route("/cgi-bin/webhook/send", sink, methods=["POST"]),
        Route("/mail/send", sink, methods=["POST"]),
    ])


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--semantics", default="replay")
    add_server_args(p)
    a = p.parse_args()
    serve(build(a.semantics), bind_socket(a.host, a.port))
