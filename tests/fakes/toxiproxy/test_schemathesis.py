"""Property-based fuzzing of the real server from its own OpenAPI document: 0 server errors.

Besides "no 5xx", every response must conform to the document (status code,
content type, body schema), which keeps `openapi.py` honest.

Schemathesis generates valid and invalid requests for every operation in
``GET /openapi.json`` (examples, coverage and fuzzing phases; fuzzing bounded by
`MAX_EXAMPLES` per operation).  Before each example the server holds exactly
one proxy ``p`` with a ``latency_downstream`` toxic (the documented path
examples), so the handlers behind a found proxy and toxic are reached, not
just their 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fakes.toxiproxy.api import VERSION
from fakes.toxiproxy.openapi import openapi_document
from runtime import ManagedProcess

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
DOCUMENT = openapi_document(VERSION, metrics=False)
# Loaded from the same dict the server serves (checked below): schemathesis'
# lazy fixture loader (`schemathesis.pytest.from_fixture`) breaks under pytest 9.
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def api(server: ManagedProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield client


def test_served_document_is_the_fuzzed_one(api: httpx.Client) -> None:
    assert api.get("/openapi.json").json() == DOCUMENT


def _is_start_state(proxies: dict[str, Any]) -> bool:
    p = proxies.get("p")
    return (list(proxies) == ["p"] and p["enabled"] and p["upstream"] == "127.0.0.1:9"
            and [t["name"] for t in p["toxics"]] == ["latency_downstream"]
            and p["toxics"][0]["attributes"] == {"latency": 0, "jitter": 0})


def start_from_one_proxy(api: httpx.Client) -> None:
    """One GET when the last example changed nothing (most are refused), a rebuild if not."""
    proxies = api.get("/proxies").json()
    if _is_start_state(proxies):
        return
    for name in proxies:
        api.delete(f"/proxies/{name}")  # httpx percent-encodes odd names
    api.post("/proxies", json={"name": "p", "listen": "127.0.0.1:0",
                               "upstream": "127.0.0.1:9"}).raise_for_status()
    api.post("/proxies/p/toxics", json={"type": "latency"}).raise_for_status()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_input_gives_a_server_error(case: Case, api: httpx.Client) -> None:
    start_from_one_proxy(api)
    case.call_and_validate(base_url=str(api.base_url).rstrip("/"), checks=CHECKS)
