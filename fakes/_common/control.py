"""The ``/_fake/...`` control API every fake shares.

Why one module: the conductor drives all fakes the same way (set behaviour,
read ledgers page by page, reset between tests), so the routes, paging rules
and error messages must not drift between fakes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes._common.behaviour import Behaviour, BehaviourError
from fakes._common.errors import BadRequest, json_error
from fakes._common.ledger import Ledger


class FakeState(Protocol):
    behaviour: Behaviour
    ledger: Ledger

    def reset(self) -> None: ...

    def stats(self) -> dict[str, Any]: ...


def query_int(request: Request, name: str, default: int, *, minimum: int = 0) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"query parameter {name}={raw!r} is not an integer") from None
    if value < minimum:
        raise BadRequest(f"query parameter {name}={value} must be >= {minimum}")
    return value


async def read_json(request: Request) -> Any:
    body = await request.body()
    if not body:
        return {}
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"request body is not valid JSON: {exc}") from None


def control_routes(state: FakeState, extra_stats: Callable[[], dict[str, Any]] | None = None,
                   ) -> list[Route]:
    """GET/PUT /_fake/behaviour, GET /_fake/ledger, POST /_fake/reset, GET /_fake/stats."""

    async def get_behaviour(request: Request) -> Response:
        """Current behaviour values; ?describe=1 adds kinds, defaults and help per knob."""
        body: dict[str, Any] = {"behaviour": state.behaviour.values}
        if request.query_params.get("describe"):
            body["knobs"] = state.behaviour.describe()
        return JSONResponse(body)

    async def put_behaviour(request: Request) -> Response:
        """Merge a partial JSON object of knobs into the behaviour (unknown keys are refused)."""
        try:
            state.behaviour.update(await read_json(request))
        except BehaviourError as exc:
            return json_error(str(exc), 400)
        return JSONResponse({"behaviour": state.behaviour.values})

    async def get_ledger(request: Request) -> Response:
        """A page of a ledger: ?kind=&offset=0&limit=1000 -> {items,total,offset,next_offset}."""
        kinds = state.ledger.kinds
        kind = request.query_params.get("kind", kinds[0])
        if kind not in kinds:
            return json_error(f"unknown ledger kind {kind!r}; known: {list(kinds)}", 400)
        offset = query_int(request, "offset", 0)
        limit = query_int(request, "limit", 1000, minimum=1)
        return JSONResponse(state.ledger.page(kind, offset, limit))

    async def reset(request: Request) -> Response:
        """Clear ledgers and state, restore start-up behaviour (the seed's streams restart too)."""
        state.reset()
        return JSONResponse({"ok": True, "at": time.time()})

    async def stats(request: Request) -> Response:
        """Counts per ledger plus fake-specific counters."""
        body = {"ledger": {k: state.ledger.count(k) for k in state.ledger.kinds}, **state.stats()}
        if extra_stats:
            body.update(extra_stats())
        return JSONResponse(body)

    return [
        Route("/_fake/behaviour", get_behaviour, methods=["GET"]),
        Route("/_fake/behaviour", put_behaviour, methods=["PUT", "POST"]),
        Route("/_fake/ledger", get_ledger, methods=["GET"]),
        Route("/_fake/reset", reset, methods=["POST"]),
        Route("/_fake/stats", stats, methods=["GET"]),
    ]
