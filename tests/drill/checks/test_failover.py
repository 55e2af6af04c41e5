from drill.checks import CheckSpec, failover
from tests.drill.checks.ops import sources

FAULT = [{"at": 100.0, "fault_id": "f1", "kind": "down", "target": "supplier_primary",
          "action": "inject", "params": {}, "ok": True},
         {"at": 120.0, "fault_id": "f1", "kind": "down", "target": "supplier_primary",
          "action": "heal", "params": {}, "ok": True}]
SPEC = CheckSpec(failover_within_s=5.0)


def backup(at: float) -> dict:
    return {"downstream_order_no": "A", "at": at, "outcome": "ok", "codes": ["b"],
            "replayed": False}


def test_backup_within_window_passes() -> None:
    v = failover.check(sources(faults=FAULT, purchases={"primary": [], "backup": [backup(102.0)]}),
                       SPEC)
    assert v.ok is True and v.counts["first_backup_after_s"] == 2.0


def test_backup_too_late_fails() -> None:
    v = failover.check(sources(faults=FAULT, purchases={"backup": [backup(109.0)]}), SPEC)
    assert v.ok is False


def test_no_backup_at_all_fails_and_no_fault_is_unknown() -> None:
    assert failover.check(sources(faults=FAULT, purchases={"backup": []}), SPEC).ok is False
    assert failover.check(sources(faults=[], purchases={"backup": []}), SPEC).ok is None
    assert failover.check(sources(), CheckSpec()).ok is True  # not asked
