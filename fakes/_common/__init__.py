"""Pieces every fake shares: control API, ledgers, seeded randomness, clocks, errors."""

from fakes._common.app import base_parser, build_app, run
from fakes._common.behaviour import (
    Behaviour,
    BehaviourError,
    Knob,
    knob_table,
    parse_behaviour_arg,
    validate_patch,
)
from fakes._common.body import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    parse_json,
    read_body,
    read_json,
    try_json,
)
from fakes._common.clock import Clock, LoopClock, ManualClock, Timer
from fakes._common.control import FakeState, query_int
from fakes._common.errors import BadRequest, json_error
from fakes._common.ledger import Ledger
from fakes._common.openapi import describe
from fakes._common.rng import Streams

__all__ = [
    "BadRequest",
    "Behaviour",
    "BehaviourError",
    "Clock",
    "FakeState",
    "Knob",
    "Ledger",
    "LoopClock",
    "MAX_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "ManualClock",
    "Streams",
    "Timer",
    "base_parser",
    "build_app",
    "describe",
    "json_error",
    "knob_table",
    "parse_behaviour_arg",
    "parse_json",
    "query_int",
    "read_body",
    "read_json",
    "run",
    "try_json",
    "validate_patch",
]
