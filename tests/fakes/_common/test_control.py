"""Shared control-API rules against real processes: paging, JSON errors, OpenAPI, behaviour."""

from __future__ import annotations

import httpx
import pytest

from fakes._common import Behaviour, BehaviourError, Knob, Ledger, Streams


def test_ledger_pages_at_200k_entries() -> None:
    ledger = Ledger("x")
    for i in range(200_000):
        ledger.add("x", {"i": i})
    page = ledger.page("x", 150_000, 1000)
    last = ledger.page("x", 199_500, 1000)
    assert page["items"][0] == {"i": 150_000} and page["next_offset"] == 151_000
    assert len(last["items"]) == 500 and last["next_offset"] is None and last["total"] == 200_000
    assert ledger.page("x", 10**9, 10)["items"] == []


def test_streams_are_independent_and_reproducible() -> None:
    a, b = Streams(5), Streams(5)
    a("other").random()  # a draw elsewhere must not shift the trade stream
    assert a("trade").random() == b("trade").random()
    assert Streams(6)("trade").random() != Streams(5)("trade").random()
    assert not a.chance("x", 0.0) and a.chance("x", 1.0)


def test_behaviour_validation_messages() -> None:
    beh = Behaviour({"p": Knob(0.0, "prob", "a probability")}, {"p": 0.25})
    assert beh["p"] == 0.25
    with pytest.raises(BehaviourError, match="unknown behaviour 'q'"):
        beh.update({"q": 1})
    with pytest.raises(BehaviourError, match=r"0\.\.1"):
        Behaviour({"p": Knob(0.0, "prob", "")}, {"p": 3})
    beh.update({"p": 1})
    beh.reset()
    assert beh["p"] == 0.25


def test_paging_over_http(sink: str) -> None:
    with httpx.Client() as client:
        for i in range(120):
            client.post(sink + "/mail/send", json={"to": f"b{i}@x", "kind": "delay_notice"})
        page = client.get(sink + "/_fake/ledger", params={"kind": "mails", "offset": 100,
                                                          "limit": 50}).json()
    assert page["total"] == 120 and len(page["items"]) == 20 and page["next_offset"] is None
    assert page["items"][0]["to"] == "b100@x"


@pytest.mark.parametrize("fixture", ["gateway", "primary", "sink"])
def test_every_fake_has_openapi_json_errors_and_stats(fixture: str,
                                                      request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(fixture)
    doc = httpx.get(url + "/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/_fake/reset" in doc["paths"]
    assert doc["paths"]["/_fake/ledger"]["get"]["summary"]
    missing = httpx.get(url + "/no/such/route")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    wrong = httpx.delete(url + "/_fake/reset")
    assert wrong.status_code == 405 and "not allowed" in wrong.json()["error"]
    for params in ({"kind": "nope"}, {"offset": "x"}, {"limit": "0"}):
        bad = httpx.get(url + "/_fake/ledger", params=params)
        assert bad.status_code == 400 and bad.json()["error"]
    assert "ledger" in httpx.get(url + "/_fake/stats").json()
    assert httpx.get(url + "/healthz").json() == {"ok": True}
