from drill.checks import CheckSpec, alerts
from tests.drill.checks.ops import sources


def msg(rule: str, at: float) -> dict:
    return {"channel": "dingtalk", "text": f"[faka-alert] rule={rule} stuck orders", "at": at,
            "throttled": False}


FAULTS = [{"at": 10.0, "action": "inject", "target": "supplier_primary", "kind": "down"}]


def test_expected_alert_fires() -> None:
    src = sources(messages=[msg("stuck_paid_orders", 13.0)], faults=FAULTS)
    v = alerts.check(src, CheckSpec(expect_alerts=("stuck_paid_orders",)))
    assert v.ok is True and v.counts["first_after_s"]["stuck_paid_orders"] == 3.0


def test_expected_alert_missing_fails() -> None:
    v = alerts.check(sources(messages=[]), CheckSpec(expect_alerts=("supplier_health",)))
    assert v.ok is False


def test_quiet_baseline_flags_any_alert() -> None:
    v = alerts.check(sources(messages=[msg("low_stock", 5.0)]), CheckSpec())
    assert v.ok is False and "low_stock" in v.detail
    assert alerts.check(sources(messages=[]), CheckSpec()).ok is True
    assert alerts.check(sources(), CheckSpec()).ok is None


def _robots(rule: str, at: float) -> list[dict]:
    """One alert as the sink sees it: a post to each of three robots."""
    return [dict(msg(rule, at), channel=ch, robot=ch) for ch in ("dingtalk", "telegram", "wecom")]


def test_alert_on_every_tick_fails_once_per_window_passes() -> None:
    spec = CheckSpec(expect_alerts=("stuck_paid_orders",), alert_window_s=10.0)
    # a 10 s window: one post per robot at 13 s, again across the boundary at 21 s, then 32 s
    fine = [m for t in (13.0, 21.0, 32.0) for m in _robots("stuck_paid_orders", t)]
    v = alerts.check(sources(messages=fine), spec)
    assert v.ok is True, v.detail
    # the de-duplication is broken: every monitor tick (0.1 s) posts again
    tick = [m for i in range(30) for m in _robots("stuck_paid_orders", 13.0 + i / 10)]
    v = alerts.check(sources(messages=tick), spec)
    assert v.ok is False
    assert "fired 30x within one 10 s window" in v.detail
    assert v.counts["repeated_within_window"] == {"stuck_paid_orders": 30}


def test_throttled_retries_are_not_repeats() -> None:
    spec = CheckSpec(expect_alerts=("stuck_paid_orders",), alert_window_s=10.0)
    posts = [dict(msg("stuck_paid_orders", 13.0 + i / 10), throttled=True) for i in range(5)]
    posts.append(msg("stuck_paid_orders", 13.6))
    assert alerts.check(sources(messages=posts), spec).ok is True


def test_an_expected_alert_later_than_its_deadline_fails() -> None:
    src = sources(messages=[msg("supplier_health", 13.0)], faults=FAULTS)
    assert alerts.check(src, CheckSpec(expect_alerts=("supplier_health",),
                                       alert_within_s=5.0)).ok is True
    v = alerts.check(src, CheckSpec(expect_alerts=("supplier_health",), alert_within_s=2.0))
    assert v.ok is False and "later than its detection deadline of 2 s" in v.detail
