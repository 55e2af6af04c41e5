"""Monitor rules against the real service process and the real IM sink (time_scale 600):
stuck paid orders (threshold, de-duplication per window), supplier health, low stock,
payment anomalies; the three IM body formats; a throttling/failing IM endpoint."""

from __future__ import annotations

from typing import Any

import httpx

from delivery.alerts import format_for
from runtime import ManagedProcess
from tests.delivery._fakes import DOWN, SCALE, alert_urls, behave, messages
from tests.delivery.conftest import base_config, notify_params
from tests.waiting import wait_until

CHANNELS = ("dingtalk", "telegram", "wecom")


def _cfg(db_url: str, sink_url: str, **over: Any) -> dict[str, Any]:
    mon = {"every_s": 6, "stuck_after_s": 60, "stuck_threshold": 5, "window_s": 600,
           "low_stock_below": 0, "review_backlog_above": 5}
    mon.update(over.pop("monitor", {}))
    return base_config(db_url, time_scale=SCALE, alerts=alert_urls(sink_url), monitor=mon,
                       order_expiry_s=6000, **over)


def _alerts(svc: Any, rule: str) -> list[dict[str, Any]]:
    return [a for a in svc.admin("GET", "/admin/alerts").json()["alerts"] if a["rule"] == rule]


def _pay(svc: Any, n: int) -> None:
    for _ in range(n):
        o = svc.order()
        assert svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00")).text \
            == "success"


def test_stuck_paid_orders_alert_reaches_every_robot(db_url: str, service_factory: Any,
                                                     sink: ManagedProcess) -> None:
    """Threshold and per-window de-duplication: test_monitor_rules.py (literal clock)."""
    # api role only: nobody delivers, so paid orders stay stuck
    svc = service_factory(_cfg(db_url, sink.url), "--role", "api")
    svc.import_keys(20)
    _pay(svc, 6)
    first = wait_until(lambda: _alerts(svc, "stuck_paid_orders"), timeout=10,
                       what="stuck_paid_orders alert")
    assert first[0]["severity"] == "critical" and "6 paid orders" in first[0]["message"]
    assert sorted(first[0]["channels"]) == sorted(CHANNELS)
    got = wait_until(lambda: len(messages(sink, "stuck_paid_orders")) >= 3
                     and messages(sink, "stuck_paid_orders"), timeout=10, what="three posts")
    assert {m["channel"] for m in got} == set(CHANNELS)  # (a new 1 s window may add more)
    assert {m["msgtype"] for m in got if m["channel"] != "telegram"} == {"text"}


def test_im_bodies_have_each_robot_shape() -> None:
    text = "[faka-alert] rule=payment_anomaly severity=critical\npayment anomalies: bad_sign=1"
    ding = format_for("dingtalk", text, "http://x/robot/send?access_token=ding")
    wecom = format_for("wecom", text, "http://x/cgi-bin/webhook/send?key=wk")
    tg = format_for("telegram", text, "http://x/botTOKEN/sendMessage?chat_id=42")
    for body in (ding, wecom):
        assert body == {"msgtype": "text", "text": {"content": text}}
    assert tg == {"chat_id": "42", "text": text, "disable_web_page_preview": True}


def test_each_robot_takes_the_alert(service_factory: Any, tmp_path: Any,
                                    sink: ManagedProcess) -> None:
    """The real sink checks each robot's body shape (it refuses a malformed one)."""
    svc = service_factory(_cfg(f"sqlite:///{tmp_path}/s.sqlite3", sink.url))
    svc.import_keys(1)
    o = svc.order()
    bad = notify_params(o["order_no"], "50.00", key="forged")
    assert svc.http.get("/notify/epay", params=bad).status_code == 400
    # at least one post a robot (a busy box can add a retried post, never lose one)
    posts = wait_until(lambda: len(messages(sink, "payment_anomaly")) >= 3
                       and messages(sink, "payment_anomaly"), timeout=20, what="three posts")
    assert {(m["channel"], m["robot"]) for m in posts} >= {("telegram", "42")}
    assert {m["channel"] for m in posts} == set(CHANNELS)
    for m in posts:
        assert m["text"].startswith("[faka-alert] rule=payment_anomaly severity=")
        assert "bad_sign=1" in m["text"]


def test_supplier_health_and_low_stock(service_factory: Any, tmp_path: Any, sink: ManagedProcess,
                                       supplier: ManagedProcess) -> None:
    behave(supplier, **DOWN)
    cfg = _cfg(f"sqlite:///{tmp_path}/s.sqlite3", sink.url,
               suppliers={"primary": {"url": supplier.url}},
               monitor={"low_stock_below": 3, "supplier_min_calls": 4})
    svc = service_factory(cfg)
    svc.import_keys(2)
    for _ in range(2):
        o = svc.order("apple-100")
        assert svc.http.get("/notify/epay", params=notify_params(o["order_no"], "100.00")).text \
            == "success"
    health = wait_until(lambda: _alerts(svc, "supplier_health"), timeout=10)
    assert "supplier primary" in health[0]["message"]
    low = wait_until(lambda: _alerts(svc, "low_stock"), timeout=10)
    assert "steam-50: 2 keys left" in low[0]["message"]
    wait_until(lambda: all(messages(sink, r) for r in ("supplier_health", "low_stock",
                                                       "manual_escalation")), timeout=10)


def test_throttling_and_failing_im_loses_no_alert(service_factory: Any, tmp_path: Any,
                                                   sink: ManagedProcess) -> None:
    """One message per robot per scenario minute (0.1 s), DingTalk mutes an over-limit robot
    for 20 scenario minutes (2 s), one post in three gets an nginx 502. The test keeps the
    DingTalk robot muted until one of the service's own alerts has been refused by the mute,
    so a throttle is certain however slow the box; then every alert must still land."""
    behave(sink, throttle=True, throttle_per_min=1, dingtalk_penalty_s=1200.0, error_rate=0.3)
    cfg = _cfg(f"sqlite:///{tmp_path}/s.sqlite3", sink.url, monitor={"low_stock_below": 5})
    svc = service_factory(cfg)
    _mute_dingtalk(sink)
    svc.import_keys(2)
    o = svc.order()
    svc.http.get("/notify/epay", params=notify_params(o["order_no"], "50.00", key="forged"))
    svc.http.get("/notify/epay", params=notify_params("no-such-order", "50.00"))
    rules = {"low_stock", "payment_anomaly"}

    def alert_throttled() -> bool:
        _mute_dingtalk(sink)
        return any(m["throttled"] and m["text"].startswith("[faka-alert]")
                   for m in messages(sink, accepted_only=False))
    wait_until(alert_throttled, timeout=20, what="a service alert refused by the muted robot")
    wait_until(lambda: {r["rule"] for r in svc.export()["alerts"]} >= rules, timeout=10)

    def all_through() -> bool:
        got = messages(sink)
        return all(any(m["channel"] == ch and f"rule={r} " in m["text"] for m in got)
                   for ch in CHANNELS for r in rules)
    wait_until(all_through, timeout=20, what="every alert accepted by every robot")


def _mute_dingtalk(sink: ManagedProcess) -> None:
    """Two posts in one scenario minute: the DingTalk robot goes over its limit and mutes
    (a 502 or an already muted robot leaves it as it is)."""
    url = alert_urls(sink.url)["dingtalk"]
    for _ in range(2):
        httpx.post(url, json={"msgtype": "text", "text": {"content": "noise from the test"}},
                   timeout=10)
