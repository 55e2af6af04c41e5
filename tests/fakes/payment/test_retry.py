"""Retries against a real merchant process: the reply rule, the answer timeout, the ledger.

The schedules' exact gaps are proven on a manual clock in test_clock.py."""

from __future__ import annotations

import httpx

from tests.fakes._clients import behave, create_and_pay, ledger, received
from tests.waiting import wait_until


def _attempts(gateway: str, order: str, n: int) -> list[dict[str, object]]:
    def ready() -> list[dict[str, object]]:
        items = [i for i in ledger(gateway, "notifies") if i["out_trade_no"] == order]
        return items if len(items) >= n else []
    got = wait_until(ready, timeout=8.0, what=f"{n} attempts for {order}")
    return sorted(got, key=lambda i: int(str(i["attempt"])))


def test_success_stops_the_retries(gateway: str, merchant: str) -> None:
    httpx.put(merchant + "/_m/mode", json={"fail_first": 2})
    behave(gateway, schedule="wechat")
    create_and_pay(gateway, "T-ok", merchant + "/notify/epay")
    items = _attempts(gateway, "T-ok", 3)
    assert [i["outcome"] for i in items] == ["fail", "fail", "success"]
    assert items[-1]["reply"] == "success"


def test_only_a_reply_containing_success_counts(gateway: str, merchant: str) -> None:
    behave(gateway, max_attempts=1)
    httpx.put(merchant + "/_m/mode", json={"reply": "SUCCESS"})
    create_and_pay(gateway, "T-upper", merchant + "/notify/epay")
    assert _attempts(gateway, "T-upper", 1)[0]["outcome"] == "fail"
    httpx.put(merchant + "/_m/mode", json={"reply": "<html>ok: success</html>\n"})
    create_and_pay(gateway, "T-html", merchant + "/notify/epay")
    assert _attempts(gateway, "T-html", 1)[0]["outcome"] == "success"


def test_answer_timeout_is_wall_seconds_and_configurable(gateway: str, merchant: str) -> None:
    behave(gateway, answer_timeout_s=0.2, max_attempts=1)
    httpx.put(merchant + "/_m/mode", json={"delay_s": 1.0})
    create_and_pay(gateway, "T-slow", merchant + "/notify/epay")
    item = _attempts(gateway, "T-slow", 1)[0]
    assert item["outcome"] == "timeout" and item["http_status"] is None
    assert float(str(item["latency_ms"])) >= 150  # waited the timeout, not the 1 s reply
    assert httpx.get(gateway + "/_fake/behaviour").json()["behaviour"]["answer_timeout_s"] == 0.2


def test_unreachable_merchant_is_an_error_outcome(gateway: str) -> None:
    behave(gateway, max_attempts=2, schedule="wechat")
    create_and_pay(gateway, "T-down", "http://127.0.0.1:9/notify")
    items = _attempts(gateway, "T-down", 2)
    assert [i["outcome"] for i in items] == ["error", "error"]
    assert "Connect" in str(items[0]["reply"])


def test_notify_ledger_is_complete(gateway: str, merchant: str) -> None:
    httpx.put(merchant + "/_m/mode", json={"fail_first": 1})
    behave(gateway, schedule="wechat", duplicate_parallel=0.5)
    for i in range(20):
        create_and_pay(gateway, f"C{i}", merchant + "/notify/epay")
    def settled() -> bool:
        items = ledger(gateway, "notifies")
        per = {i["out_trade_no"] for i in items if i["outcome"] == "success"}
        return len(per) == 20 and not httpx.get(gateway + "/_fake/stats").json()["notify_pending"]
    wait_until(settled, timeout=8.0, what="20 orders notified, none pending")
    items = ledger(gateway, "notifies")
    assert len(items) == len(received(merchant))
    assert {i["out_trade_no"] for i in items} == {f"C{i}" for i in range(20)}
    assert all(set(i) >= {"trade_no", "attempt", "at", "outcome", "http_status", "reply",
                          "latency_ms", "variant"} for i in items)
    stats = httpx.get(gateway + "/_fake/stats").json()
    assert stats["ledger"] == {"payments": 20, "notifies": len(items)}
