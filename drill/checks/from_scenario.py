"""Scenario -> CheckSpec: what the oracle is asked to judge (wall seconds throughout)."""

from __future__ import annotations

from drill.checks.spec import CheckSpec, Threshold
from drill.scenario import Scenario

BUYER_NOTICE_DEFAULT_S = 120.0
ALERT_WINDOW_DEFAULT_S = 600.0   # delivery's monitor.window_s default (CONTRACTS §1)


def check_spec(scenario: Scenario) -> CheckSpec:
    """The `[expect]` section, with scenario-second service timers turned into wall seconds."""
    exp = scenario.expect
    notice_after: float | None = None
    if exp.buyer_notice:
        delay = scenario.service.buyer_notice.delay_after_s or BUYER_NOTICE_DEFAULT_S
        notice_after = delay / scenario.time_scale
    return CheckSpec(
        checks=tuple(exp.checks),
        thresholds=tuple(Threshold.parse(t) for t in exp.thresholds),
        expect_alerts=tuple(exp.alerts),
        quiet_alerts=exp.quiet,
        max_attempts_per_order=exp.max_attempts_per_order,
        max_supplier_calls_per_s=exp.max_supplier_calls_per_s,
        failover_within_s=exp.failover_within,
        alert_within_s=exp.alert_within,
        notice_after_s=notice_after,
        time_scale=scenario.time_scale,
        expected_unresolved=tuple(exp.unresolved),
        min_completion=exp.min_completion,
        alert_window_s=(scenario.service.monitor.window_s or ALERT_WINDOW_DEFAULT_S)
        / scenario.time_scale,
    )
