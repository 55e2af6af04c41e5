"""The ``/_fake/...`` control API every fake shares.

Why one module: the conductor drives all fakes the same way (set behaviour,
read ledgers page by page, reset between tests), so the routes, paging rules
and error messages must not drift between fakes. Handlers read the fake's
state from ``request.app.state.fake`` (see `build_app`).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes._common.behaviour import Behaviour, BehaviourError, knob_table
from fakes._common.body import read_json
from fakes._common.errors import BadRequest, json_error
from fakes._common.ledger import Ledger
from fakes._common.openapi import describe

MAX_QUERY_INT = 10**12
KNOB_VALUE: dict[str, Any] = {"oneOf": [{"type": "number"}, {"type": "boolean"},
                                        {"type": "string"}, {"type": "array"}]}


class FakeState(Protocol):
    behaviour: Behaviour
    ledger: Ledger

    def reset(self) -> None: ...

    def stats(self) -> dict[str, Any]: ...


def query_int(request: Request, name: str, default: int, *, minimum: int = 0) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 13:
        raise BadRequest(f"query parameter {name}={raw[:40]!r} is not an integer "
                         f"(0..{MAX_QUERY_INT})")
    value = int(raw)
    if value < minimum:
        raise BadRequest(f"query parameter {name}={value} must be >= {minimum}")
    return value


def _fake(request: Request) -> FakeState:
    state: FakeState = request.app.state.fake
    return state


@describe(query={"describe": {"type": "string", "enum": ["", "1"]}})
async def get_behaviour(request: Request) -> Response:
    """Current behaviour values; ?describe=1 adds each knob's kind, range, default and help."""
    state = _fake(request)
    body: dict[str, Any] = {"behaviour": state.behaviour.values}
    if request.query_params.get("describe"):
        body["knobs"] = knob_table(state.behaviour.knobs)
    return JSONResponse(body)


@describe(body={"type": "object", "additionalProperties": KNOB_VALUE})
async def put_behaviour(request: Request) -> Response:
    """Merge a partial JSON object of knobs into the behaviour.

    An unknown knob or a value out of its range is refused with 400 naming the
    knob, the value and what is allowed; nothing is changed then.
    """
    state = _fake(request)
    try:
        state.behaviour.update(await read_json(request))
    except BehaviourError as exc:
        return json_error(str(exc), 400)
    return JSONResponse({"behaviour": state.behaviour.values})


async def get_knobs(request: Request) -> Response:
    """The knobs this fake has: name -> kind, default, minimum, maximum, choices, help."""
    return JSONResponse({"knobs": knob_table(_fake(request).behaviour.knobs)})


@describe(query={"kind": {"type": "string"}, "offset": {"type": "integer", "minimum": 0},
                 "limit": {"type": "integer", "minimum": 1}})
async def get_ledger(request: Request) -> Response:
    """A page of a ledger: ?kind=&offset=0&limit=1000 -> {items,total,offset,next_offset}."""
    ledger = _fake(request).ledger
    kind = request.query_params.get("kind", ledger.kinds[0])
    if kind not in ledger.kinds:
        return json_error(f"unknown ledger kind {kind[:40]!r}; known: {list(ledger.kinds)}", 400)
    offset = query_int(request, "offset", 0)
    limit = query_int(request, "limit", 1000, minimum=1)
    return JSONResponse(ledger.page(kind, offset, limit))


async def reset(request: Request) -> Response:
    """Clear ledgers and state, restore start-up behaviour (the seed's streams restart too)."""
    _fake(request).reset()
    return JSONResponse({"ok": True, "at": time.time()})


async def stats(request: Request) -> Response:
    """Counts per ledger plus fake-specific counters."""
    state = _fake(request)
    body = {"ledger": {k: state.ledger.count(k) for k in state.ledger.kinds}, **state.stats()}
    extra = request.app.state.extra_stats
    if extra is not None:
        body.update(extra())
    return JSONResponse(body)


def control_routes() -> list[Route]:
    """GET/PUT /_fake/behaviour, GET /_fake/knobs, GET /_fake/ledger, POST /_fake/reset,
    GET /_fake/stats."""
    return [
        Route("/_fake/behaviour", get_behaviour, methods=["GET"]),
        Route("/_fake/behaviour", put_behaviour, methods=["PUT", "POST"]),
        Route("/_fake/knobs", get_knobs, methods=["GET"]),
        Route("/_fake/ledger", get_ledger, methods=["GET"]),
        Route("/_fake/reset", reset, methods=["POST"]),
        Route("/_fake/stats", stats, methods=["GET"]),
    ]
