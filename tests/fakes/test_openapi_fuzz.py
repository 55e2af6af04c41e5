"""Property-based API tests: schemathesis drives every route in each fake's OpenAPI
document (protocol routes and /_fake/ control routes) and must never see a 5xx.

In-process (schemathesis' ASGI transport), a bounded example budget per route so each
fake takes a few seconds. Time is compressed 10^6-fold so knobs the fuzzer sets
(latency, holds) cost nothing, and the behaviour is reset after every case: a knob
the fuzzer switched on (the supplier's injected 5xx) is wanted behaviour, not a crash.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from fakes.payment import GatewayState, Merchant
from fakes.payment import make_app as gateway_app
from fakes.sink import SinkState
from fakes.sink import make_app as sink_app
from fakes.supplier import SupplierState
from fakes.supplier import make_app as supplier_app

SCALE = 1e6
BUDGET = settings(max_examples=12, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))

GATEWAY = GatewayState(Merchant("1001", "k"), 1, SCALE, {})
SUPPLIER = SupplierState("primary", "k", "s", 1, SCALE, "replay", {"apple-100": 10}, {})
SINK = SinkState(1, SCALE, {})
# The coverage phase (every boundary case the schema defines) is left out for speed; the
# examples and fuzzing phases run within BUDGET.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
gateway = schemathesis.openapi.from_asgi("/openapi.json", gateway_app(GATEWAY), config=CONFIG)
supplier = schemathesis.openapi.from_asgi("/openapi.json", supplier_app(SUPPLIER), config=CONFIG)
sink = schemathesis.openapi.from_asgi("/openapi.json", sink_app(SINK), config=CONFIG)


def _no_server_error(case: Any, state: GatewayState | SupplierState | SinkState) -> None:
    try:
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error])
    finally:
        state.behaviour.reset()


@gateway.parametrize()
@BUDGET
def test_gateway_never_answers_5xx(case: Any) -> None:
    _no_server_error(case, GATEWAY)


@supplier.parametrize()
@BUDGET
def test_supplier_never_answers_5xx(case: Any) -> None:
    _no_server_error(case, SUPPLIER)


@sink.parametrize()
@BUDGET
def test_sink_never_answers_5xx(case: Any) -> None:
    _no_server_error(case, SINK)
