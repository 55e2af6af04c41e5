"""Scenario files -> a validated, frozen `Scenario` (the first step of the pipeline)."""

from drill.scenario.abort_rules import ABORT_METRICS, AbortRule, parse_abort_rule
from drill.scenario.files import SCENARIO_DIR, list_scenarios, load_scenario, resolve
from drill.scenario.load import Load
from drill.scenario.model import (
    ALERT_RULES,
    CHECK_IDS,
    DEFAULT_CHECKS,
    OPT_IN_CHECKS,
    STATUSES,
    Expect,
    FakeSpec,
    Fault,
    Operator,
    Product,
    Scenario,
    SinkSpec,
    SupplierSpec,
)
from drill.scenario.units import parse_duration, parse_threshold

__all__ = [
    "ABORT_METRICS",
    "ALERT_RULES",
    "AbortRule",
    "CHECK_IDS",
    "DEFAULT_CHECKS",
    "Expect",
    "FakeSpec",
    "Fault",
    "Load",
    "OPT_IN_CHECKS",
    "Operator",
    "Product",
    "SCENARIO_DIR",
    "STATUSES",
    "Scenario",
    "SinkSpec",
    "SupplierSpec",
    "list_scenarios",
    "load_scenario",
    "parse_abort_rule",
    "parse_duration",
    "parse_threshold",
    "resolve",
]
