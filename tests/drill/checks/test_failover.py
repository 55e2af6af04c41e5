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


SHELVES = {"local": {}, "supplier": {"primary": {"apple-100": 0}, "backup": {"apple-100": 2}}}


def buy(dno: str, at: float, outcome: str, codes: list[str] | None = None) -> dict:
    return {"downstream_order_no": dno, "sku": "apple-100", "quantity": 1, "at": at,
            "outcome": outcome, "codes": codes or [], "replayed": False}


def _refused(backup_items: list[dict], faults: list | None = None) -> failover.Verdict:
    purchases = {"primary": [buy("A", 10.0, "insufficient_stock")], "backup": backup_items}
    return failover.check(sources(faults=faults or [], purchases=purchases, stock=SHELVES),
                          CheckSpec())


def test_an_order_refused_sold_out_and_never_offered_to_a_stocked_backup_fails() -> None:
    v = _refused([])
    assert v.ok is False and v.counts["refused_never_offered"] == 1
    assert "backup had stock for 1 × apple-100" in v.examples[0]["reason"]
    assert v.examples[0]["order_no"] == "A" and v.examples[0]["spare_suppliers"] == ["backup"]


def test_the_backup_asked_after_the_refusal_passes_whatever_it_answered() -> None:
    assert _refused([buy("A", 11.0, "delivered", ["B1"])]).ok is True
    assert _refused([buy("A", 11.0, "insufficient_stock")]).ok is True


def test_a_backup_sold_out_by_then_or_under_a_fault_excuses_the_order() -> None:
    sold = [buy("X", 1.0, "delivered", ["B1"]), buy("Y", 2.0, "delivered", ["B2"])]
    assert _refused(sold).ok is True  # its two keys were gone before A was refused
    dark = [{"at": 8.0, "fault_id": "f1", "target": "supplier_backup", "action": "inject",
             "ok": True}]
    assert _refused([], dark).ok is True  # its breaker may rightly be open


def test_an_order_refused_once_then_bought_at_the_primary_passes() -> None:
    purchases = {"primary": [buy("A", 10.0, "insufficient_stock"),
                             buy("A", 20.0, "delivered", ["P1"])], "backup": []}
    v = failover.check(sources(faults=[], purchases=purchases, stock=SHELVES), CheckSpec())
    assert v.ok is True
