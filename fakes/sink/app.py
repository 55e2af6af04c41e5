"""The IM/mail sink's app: robot endpoints, buyer mail over HTTP, control API; SMTP in
the lifespan when a socket is given."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from fakes._common import build_app
from fakes.sink.mail import send_mail
from fakes.sink.robot_routes import dingtalk, telegram, wecom
from fakes.sink.smtp import start_smtp
from fakes.sink.state import SinkState

TITLE = "faka-drill fake IM/mail sink"
ROUTES: list[BaseRoute] = [
    Route("/robot/send", dingtalk, methods=["POST"]),
    Route("/cgi-bin/webhook/send", wecom, methods=["POST"]),
    Route("/bot{token}/sendMessage", telegram, methods=["GET", "POST"]),
    Route("/mail/send", send_mail, methods=["POST"]),
]


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Serve SMTP on ``app.state.smtp_socket`` (if any) for as long as the app runs."""
    sock: socket.socket | None = app.state.smtp_socket
    if sock is None:
        yield
        return
    server = await start_smtp(app.state.sink, sock)
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()


def make_app(state: SinkState, smtp_socket: socket.socket | None = None) -> Starlette:
    """The sink; with `smtp_socket` (bound and listening) it also speaks SMTP on it."""
    app = build_app(TITLE, ROUTES, state, lifespan)
    app.state.sink = state
    app.state.smtp_socket = smtp_socket
    return app
