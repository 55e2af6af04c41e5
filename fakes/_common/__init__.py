"""Pieces every fake shares: control API, ledgers, seeded randomness, errors."""

from fakes._common.app import base_parser, build_app, run
from fakes._common.behaviour import Behaviour, BehaviourError, Knob, parse_behaviour_arg
from fakes._common.control import control_routes, query_int, read_json
from fakes._common.errors import BadRequest, json_error
from fakes._common.ledger import Ledger
from fakes._common.rng import Streams

__all__ = [
    "BadRequest",
    "Behaviour",
    "BehaviourError",
    "Knob",
    "Ledger",
    "Streams",
    "base_parser",
    "build_app",
    "control_routes",
    "json_error",
    "parse_behaviour_arg",
    "query_int",
    "read_json",
    "run",
]
