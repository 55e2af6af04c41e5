"""A tiny merchant for the gateway tests: records every notify and answers as told.

Run as ``python -m tests.fakes._merchant --port 0``. ``PUT /_m/mode`` sets the
reply (body, status, wall delay, how many first calls per order fail);
``GET /_m/received`` lists what arrived with wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from runtime.serve import add_server_args, bind_socket, serve

DEFAULT_MODE: dict[str, Any] = {"reply": "success", "status": 200, "delay_s": 0.0,
                                "fail_first": 0}
mode: dict[str, Any] = dict(DEFAULT_MODE)
received: list[dict[str, Any]] = []
seen: dict[str, int] = {}


async def notify(request: Request) -> Response:
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(parse_qsl((await request.body()).decode()))
    received.append({"at": time.time(), "method": request.method, "path": request.url.path,
                     "params": params})
    key = params.get("out_trade_no", "")
    seen[key] = seen.get(key, 0) + 1
    if mode["delay_s"]:
        await asyncio.sleep(mode["delay_s"])
    if seen[key] <= mode["fail_first"]:
        return PlainTextResponse("fail", status_code=500)
    return PlainTextResponse(mode["reply"], status_code=mode["status"])


async def set_mode(request: Request) -> Response:
    mode.update(await request.json())
    return JSONResponse(mode)


async def get_received(request: Request) -> Response:
    return JSONResponse(received)


async def reset(request: Request) -> Response:
    mode.clear()
    mode.update(DEFAULT_MODE)
    received.clear()
    seen.clear()
    return JSONResponse({"ok": True})


app = Starlette(routes=[
    Route("/notify/{name}", notify, methods=["GET", "POST"]),
    Route("/_m/mode", set_mode, methods=["PUT"]),
    Route("/_m/received", get_received, methods=["GET"]),
    Route("/_m/reset", reset, methods=["POST"]),
])


def main() -> None:
    parser = argparse.ArgumentParser()
    add_server_args(parser)
    args = parser.parse_args()
    serve(app, bind_socket(args.host, args.port), component="merchant")


if __name__ == "__main__":
    main()
