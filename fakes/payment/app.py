"""The gateway's app: epay routes + control API, the notifier started in the lifespan.

The epay routes are answered by a fast lane in front of the Starlette app
(fakes/_common/hot.py); everything else, and attribute reads such as
``app.state.notifier``, reach the Starlette app as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette

from fakes._common import build_app
from fakes._common.hot import HotLane
from fakes.payment.notifier import Notifier, NotifyTransport
from fakes.payment.routes import ROUTES, hot_routes
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


def make_app(state: GatewayState, transport: NotifyTransport | None = None) -> Any:
    """The gateway (an ASGI app with the Starlette app's attributes); `transport` replaces
    the HTTP client notifies go through (tests)."""
    notifier = Notifier(state, transport)
    app = build_app(TITLE, ROUTES, state, lifespan, extra_stats=notifier.stats)
    app.state.gateway = state
    app.state.notifier = notifier
    exact, prefixed = hot_routes(state, notifier)
    return HotLane(app, exact, prefixed)
