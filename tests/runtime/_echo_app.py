"""A minimal child for the READY protocol tests: an ASGI app that says hello."""

from __future__ import annotations

import argparse
import sys

from runtime.serve import add_server_args, bind_socket, serve


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


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
