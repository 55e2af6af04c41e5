"""Scenario -> CheckSpec: what the oracle is asked to judge (wall seconds throughout)."""

from __future__ import annotations

from typing import Any

from drill.checks.spec import CheckSpec, Threshold
from drill.components import ALERT_CHANNELS, SUPPLIER_LINKS, supplier_component
from drill.scenario import Scenario

BUYER_NOTICE_DEFAULT_S = 120.0
ALERT_WINDOW_DEFAULT_S = 600.0   # delivery's monitor.window_s default (CONTRACTS §1)
ORDER_EXPIRY_DEFAULT_S = 300.0   # delivery's order_expiry_s default (CONTRACTS §1)
BREAKER_RESET_DEFAULT_S = 30.0   # delivery's supplier_policy.breaker_reset_s default
SUPPLIER_TIMEOUT_DEFAULT_S = 2.0  # delivery's supplier_policy.timeout_s default (wall seconds)
HANGING_KINDS = ("timeout",)      # link faults that swallow a call until the shop's timeout
BREAKER_FAILURES_DEFAULT = 5     # delivery's supplier_policy.breaker_failures default
GATEWAY_ANSWER_DEFAULT_S = 5.0   # fakes.payment knob answer_timeout_s (wall seconds)
MONITOR_EVERY_DEFAULT_S = 5.0    # delivery's monitor defaults (delivery/config.py Monitor)
STUCK_AFTER_DEFAULT_S = 60.0
STUCK_THRESHOLD_DEFAULT = 5
LOW_STOCK_BELOW_DEFAULT = 10


def _failback_within(scenario: Scenario) -> float | None:
    """The breaker's reset window in wall seconds, when a fault on the primary supplier heals
    early enough in the load for traffic to come back within that window (else: not judged).
    A fault that swallows calls adds one call timeout: a trial sent just before the heal
    fails only at its timeout, after it, and opens the breaker for one more window."""
    primary = (SUPPLIER_LINKS["primary"], supplier_component("primary"))
    policy = scenario.service.supplier_policy
    reset = policy.breaker_reset_s or BREAKER_RESET_DEFAULT_S
    window = reset / scenario.time_scale
    if any(f.target in primary and f.kind in HANGING_KINDS for f in scenario.faults):
        window += policy.timeout_s or SUPPLIER_TIMEOUT_DEFAULT_S
    duration = scenario.load.duration
    healed = [f.end for f in scenario.faults if f.target in primary and f.end is not None]
    return window if any(end + window < duration for end in healed) else None


def check_spec(scenario: Scenario) -> CheckSpec:
    """The `[expect]` section, with scenario-second service timers turned into wall seconds."""
    exp = scenario.expect
    policy = scenario.service.supplier_policy
    delay = (scenario.service.buyer_notice.delay_after_s or BUYER_NOTICE_DEFAULT_S) \
        / scenario.time_scale
    notice_after = delay if exp.buyer_notice else None
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
        notice_delay_s=delay,
        time_scale=scenario.time_scale,
        expected_unresolved=tuple(exp.unresolved),
        min_completion=exp.min_completion,
        prices=tuple((p.id, str(p.price)) for p in scenario.catalogue),
        notify_reply_within_s=float(scenario.gateway.behaviour.get(
            "answer_timeout_s", GATEWAY_ANSWER_DEFAULT_S)),
        order_expiry_s=(scenario.service.order_expiry_s or ORDER_EXPIRY_DEFAULT_S)
        / scenario.time_scale,
        failback_within_s=_failback_within(scenario),
        risk_mode=scenario.service.risk.mode,
        risk_max_amount=None if scenario.service.risk.max_amount is None
        else str(scenario.service.risk.max_amount),
        alert_window_s=(scenario.service.monitor.window_s or ALERT_WINDOW_DEFAULT_S)
        / scenario.time_scale,
        **_monitor(scenario),
        breaker_failures=policy.breaker_failures or BREAKER_FAILURES_DEFAULT,
        breaker_reset_s=(policy.breaker_reset_s or BREAKER_RESET_DEFAULT_S) / scenario.time_scale,
        breaker_processes=max(1, scenario.service.workers),
        supplier_products=tuple(p.id for p in scenario.catalogue if p.kind == "supplier"),
        alert_channels=ALERT_CHANNELS,
    )


def _monitor(scenario: Scenario) -> dict[str, Any]:
    """The monitor's knobs `alerts` needs to tell when a rule's condition holds (wall s)."""
    m, scale = scenario.service.monitor, scenario.time_scale
    return {
        "monitor_every_s": (m.every_s or MONITOR_EVERY_DEFAULT_S) / scale,
        "stuck_after_s": (STUCK_AFTER_DEFAULT_S if m.stuck_after_s is None
                          else m.stuck_after_s) / scale,
        "stuck_threshold": STUCK_THRESHOLD_DEFAULT if m.stuck_threshold is None
        else m.stuck_threshold,
        "low_stock_below": LOW_STOCK_BELOW_DEFAULT if m.low_stock_below is None
        else m.low_stock_below,
    }
