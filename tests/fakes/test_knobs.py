"""Each fake publishes its knobs: a typed constant in the package and GET /_fake/knobs;
PUT /_fake/behaviour refuses an unknown knob naming it and the known ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

import fakes.payment
import fakes.sink
import fakes.supplier
from fakes import BehaviourError, Knob, knob_table, validate_patch
from fakes.payment import GatewayState, Merchant
from fakes.sink import SinkState
from fakes.supplier import SupplierState
from tests.fakes._inprocess import run


def _apps() -> dict[str, tuple[Mapping[str, Knob], Any]]:
    return {
        "payment": (fakes.payment.KNOBS, fakes.payment.make_app(
            GatewayState(Merchant("1001", "k"), 1, 1.0, {}))),
        "supplier": (fakes.supplier.KNOBS, fakes.supplier.make_app(
            SupplierState("p", "k", "s", 1, 1.0, "replay", {"a-1": 1}, {}))),
        "sink": (fakes.sink.KNOBS, fakes.sink.make_app(SinkState(1, 1.0, {}))),
    }


async def _call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://fake.test") as client:
        return await client.request(method, url, **kw)


@pytest.mark.parametrize("fake", ["payment", "supplier", "sink"])
def test_knobs_constant_matches_get_fake_knobs(fake: str) -> None:
    knobs, app = _apps()[fake]
    assert knobs and all(isinstance(k, Knob) for k in knobs.values())
    with pytest.raises(TypeError):
        knobs["x"] = knobs[next(iter(knobs))]  # type: ignore[index]  # read-only
    served = run(_call(app, "GET", "/_fake/knobs")).json()["knobs"]
    assert served == knob_table(knobs)
    assert all(set(v) >= {"kind", "default", "help"} for v in served.values())


@pytest.mark.parametrize("fake", ["payment", "supplier", "sink"])
def test_an_unknown_knob_is_refused_naming_it_and_the_known_ones(fake: str) -> None:
    knobs, app = _apps()[fake]
    resp = run(_call(app, "PUT", "/_fake/behaviour", json={"no_such_knob": 1}))
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert "'no_such_knob'" in error and all(name in error for name in knobs)
    assert resp.json()["status"] == 400


def test_ranges_are_published_and_enforced() -> None:
    table = knob_table(fakes.supplier.KNOBS)
    assert table["latency_ms"]["minimum"] == 0.0 and table["latency_ms"]["maximum"] == 60_000.0
    assert table["error_rate"] == {**table["error_rate"], "minimum": 0.0, "maximum": 1.0}
    assert table["latency_dist"]["choices"] == ["fixed", "uniform", "normal", "exponential"]
    with pytest.raises(BehaviourError, match=r"'latency_ms'=1000000000.0 must be <= 60000"):
        validate_patch(fakes.supplier.KNOBS, {"latency_ms": 1e9})
    with pytest.raises(BehaviourError, match="not a number"):
        fakes.payment.KNOBS["delay_s"].check("delay_s", "20")
    assert fakes.sink.KNOBS["smtp_greylist"].check("smtp_greylist", True) is True
    assert validate_patch(fakes.payment.KNOBS, {"max_attempts": 3.0}) == {"max_attempts": 3}
