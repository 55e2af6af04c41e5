"""The gateway's app: epay routes + control API, the notifier started in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from fakes._common import build_app
from fakes.payment.notifier import Notifier, NotifyTransport
from fakes.payment.routes import ROUTES
from fakes.payment.state import GatewayState

TITLE = "faka-drill fake payment gateway (epay)"


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Close the notifier's timers and connections when the server stops."""
    notifier: Notifier = app.state.notifier
    try:
        yield
    finally:
        await notifier.stop()


def make_app(state: GatewayState, transport: NotifyTransport | None = None) -> Starlette:
    """The gateway; `transport` replaces the HTTP client notifies go through (tests)."""
    notifier = Notifier(state, transport)
    app = build_app(TITLE, ROUTES, state, lifespan, extra_stats=notifier.stats)
    app.state.gateway = state
    app.state.notifier = notifier
    return app
