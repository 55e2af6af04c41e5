"""Every supplier misbehaviour, switched on at run time, and what the ledger says about it."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.fakes._clients import behave, buy, ledger, signed

ORDERS = "/api/v1/upstream/orders"


def _stock(base: str, sku: str = "apple-100") -> dict[str, int]:
    return dict(httpx.get(base + "/_fake/stock").json()["stock"][sku])


def test_latency_holds_the_reply(primary: str) -> None:
    """The sleep really happens on a real server (the draws are proven in test_inprocess)."""
    behave(primary, latency_ms=150.0, latency_dist="fixed")
    t0 = time.perf_counter()
    assert buy(primary, "L-1").status_code == 200
    assert time.perf_counter() - t0 >= 0.15


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_injected_errors_commit_nothing(primary: str, status: int) -> None:
    behave(primary, error_rate=1.0, error_codes=[status])
    resp = buy(primary, f"E-{status}")
    assert resp.status_code == status
    if status in (502, 503):
        assert resp.headers["content-type"].startswith("text/html") and "nginx" in resp.text
    else:
        assert resp.json()["ok"] is False
    if status == 429:
        assert resp.headers["retry-after"] == "1"
    assert ledger(primary, "purchases")[0]["outcome"] == f"error_{status}"
    assert ledger(primary, "codes") == [] and _stock(primary)["available"] == 1000


def test_error_rate_is_a_probability(primary: str) -> None:
    behave(primary, error_rate=0.5, error_codes=[503])
    codes = [buy(primary, f"P-{i}").status_code for i in range(40)]
    assert 8 <= codes.count(503) <= 32 and codes.count(200) > 0


def test_sold_out_and_desync(primary: str) -> None:
    behave(primary, sold_out=True)
    items = httpx.Client(base_url=primary).request(
        **signed("GET", "/api/v1/upstream/products")).json()["data"]["items"]
    assert {i["stock_status"] for i in items} == {"out_of_stock"}
    assert buy(primary, "SO-1").json()["error_code"] == "insufficient_stock"
    behave(primary, sold_out=False, desync=5)
    httpx.put(primary + "/_fake/stock", json={"apple-100": 0}).raise_for_status()
    assert _stock(primary) == {**_stock(primary), "available": 0, "reported": 5}
    reply = buy(primary, "DS-1")
    assert reply.status_code == 409 and reply.json()["error_code"] == "insufficient_stock"


def test_commit_then_hold_past_the_client_timeout(primary: str) -> None:
    behave(primary, commit_then_timeout=1.0, commit_timeout_mode="hold", hold_s=1.0)
    with pytest.raises(httpx.ReadTimeout):
        buy(primary, "CT-1", timeout=0.3)
    item = ledger(primary, "purchases")[0]
    assert item["outcome"] == "commit_hold" and len(item["codes"]) == 1
    behave(primary, commit_then_timeout=0.0)
    replay = buy(primary, "CT-1").json()["data"]
    assert replay["fulfillment"]["payload"] == item["codes"]


def test_commit_then_close_drops_the_connection(primary: str, backup: str) -> None:
    for base in (primary, backup):
        behave(base, commit_then_timeout=1.0, commit_timeout_mode="close")
        with pytest.raises(httpx.RemoteProtocolError):
            buy(base, "CC-1")
        item = ledger(base, "purchases")[0]
        assert item["outcome"] == "commit_close" and item["http_status"] is None
        behave(base, commit_then_timeout=0.0)
    rejected = buy(backup, "CC-1")  # acg-faka: the retry is refused, the keys are gone
    assert rejected.status_code == 409 and rejected.json()["error_code"] == "duplicate_request"
    with httpx.Client(base_url=backup) as client:
        order = client.request(**signed("GET", f"{ORDERS}/by-downstream/CC-1")).json()["data"]
    assert order["fulfillment"]["payload"] == ledger(backup, "purchases")[0]["codes"]


def test_duplicate_codes_reissue_a_key(primary: str) -> None:
    first = buy(primary, "DC-1").json()["data"]["fulfillment"]["payload"]
    behave(primary, duplicate_codes=1.0)
    second = buy(primary, "DC-2").json()["data"]["fulfillment"]["payload"]
    assert second == first
    codes = ledger(primary, "codes")
    assert [(c["downstream_order_no"], c["duplicate"]) for c in codes] == [
        ("DC-1", False), ("DC-2", True)]
    assert _stock(primary)["available"] == 999


def test_malformed_html_commits_nothing_truncated_commits(primary: str) -> None:
    behave(primary, malformed=1.0, malformed_kinds=["html"])
    page = buy(primary, "MF-1")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    behave(primary, malformed_kinds=["truncated"])
    cut = buy(primary, "MF-2")
    assert cut.status_code == 200 and cut.text.startswith('{"ok": true')
    with pytest.raises(ValueError):
        cut.json()
    outcomes = [(p["outcome"], len(p["codes"])) for p in ledger(primary, "purchases")]
    assert outcomes == [("malformed_html", 0), ("malformed_truncated", 1)]


def test_ok_false_and_insufficient_balance(primary: str) -> None:
    behave(primary, ok_false=1.0)
    reply = buy(primary, "OF-1")
    assert reply.status_code == 200 and reply.json() == {
        "ok": False, "error_code": "payment_failed",
        "error_message": "wallet payment failed, order cancelled"}
    behave(primary, ok_false=0.0, insufficient_balance=1.0)
    assert buy(primary, "IB-1").status_code == 402
    assert ledger(primary, "codes") == []


def test_race_window_reproduces_check_then_insert_duplicates(primary: str) -> None:
    behave(primary, race_window_ms=50.0)

    async def storm() -> list[httpx.Response]:
        body = {"sku_id": "apple-100", "quantity": 1, "downstream_order_no": "RACE"}
        async with httpx.AsyncClient(base_url=primary) as client:
            return list(await asyncio.gather(*[client.request(**signed("POST", ORDERS, body))
                                               for _ in range(5)]))
    assert {r.status_code for r in asyncio.run(storm())} == {200}
    assert len(ledger(primary, "codes")) == 5  # the race: five orders for one key


def test_bad_behaviour_values_are_refused(primary: str) -> None:
    for patch in ({"error_codes": [418]}, {"latency_dist": "weird"}, {"sold_out": 1},
                  {"malformed_kinds": ["xml"]}, {"desync": 1.5}):
        resp = httpx.put(primary + "/_fake/behaviour", json=patch)
        assert resp.status_code == 400 and next(iter(patch)) in resp.json()["error"]
    assert httpx.put(primary + "/_fake/stock", json={"x": -1}).status_code == 400
