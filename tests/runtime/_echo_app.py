"""A minimal child for the READY protocol tests: an app that says hello."""

from __future__ import annotations

import argparse
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from runtime.serve import add_server_args, bind_socket, serve


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


app = Starlette(routes=[Route("/", hello)])


def main() -> None:
    parser = argparse.ArgumentParser()
    add_server_args(parser)
    parser.add_argument("--fail", action="store_true")
    args = parser.parse_args()
    if args.fail:
        print("boom: configured to fail", file=sys.stderr)
        sys.exit(3)
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    serve(app, sock, component="echo")


if __name__ == "__main__":
    main()
