from drill.checks import CheckSpec, alerts
from tests.checks.ops import sources


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
