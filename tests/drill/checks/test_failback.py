from dataclasses import dataclass

from drill.checks import CheckSpec, Verdict, failback
from tests.drill.checks.literal import fault, purchase
from tests.drill.checks.ops import sources


@dataclass(frozen=True)
class Spec(CheckSpec):  # the field the lead adds to CheckSpec
    failback_within_s: float = 5.0


OUTAGE = [fault(10.0, "inject", "supplier_primary"), fault(20.0, "heal", "supplier_primary")]


def _judge(primary: list, backup: list, faults: list | None = None) -> Verdict:
    return failback.check(sources(faults=OUTAGE if faults is None else faults,
                                  purchases={"primary": primary, "backup": backup}), Spec())


def test_traffic_returns_to_the_primary_within_the_window() -> None:
    v = _judge(primary=[purchase("A", 5.0, ["P1"]), purchase("D", 23.0, ["P2"]),
                        purchase("E", 30.0, ["P3"])],
               backup=[purchase("B", 12.0, ["B1"]), purchase("C", 21.0, ["B2"])])
    assert v.ok is True, v.detail
    assert v.counts["first_primary_sale_after_s"] == 3.0


def test_an_order_the_primary_refused_first_may_still_go_to_the_backup() -> None:
    refused = purchase("F", 30.0, [], outcome="insufficient_stock")
    v = _judge(primary=[purchase("D", 23.0, ["P2"]), refused],
               backup=[purchase("F", 30.5, ["B3"])])
    assert v.ok is True, v.detail


def test_a_primary_idle_after_recovery_fails() -> None:
    v = _judge(primary=[purchase("A", 5.0, ["P1"])],
               backup=[purchase("C", 21.0, ["B2"]), purchase("D", 30.0, ["B3"])])
    assert v.ok is False and "sold again never" in v.detail
    assert [e["order_no"] for e in v.examples] == ["D"]
    v = _judge(primary=[purchase("D", 28.0, ["P2"])], backup=[purchase("C", 15.0, ["B2"])])
    assert v.ok is False and "only 8.00 s" in v.detail


def test_backup_sales_long_after_recovery_fail_even_when_the_primary_sells_too() -> None:
    v = _judge(primary=[purchase("D", 22.0, ["P2"])], backup=[purchase("E", 40.0, ["B4"])])
    assert v.ok is False and v.counts["backup_sales_after_window"] == 1


def test_no_expectation_passes_missing_sources_and_no_heal_are_unknown() -> None:
    assert failback.check(sources(), CheckSpec()).ok is True
    assert failback.check(sources(faults=OUTAGE), Spec()).ok is None
    assert _judge([purchase("D", 22.0, ["P2"])], [], faults=[]).ok is None
    assert _judge([purchase("A", 5.0, ["P1"])], []).ok is None  # no traffic after the heal


def test_no_failover_means_nothing_to_fail_back() -> None:
    """A latency blip on the primary that never sent traffic to the backup (or a starved box
    where nothing sold during the fault): a late first primary sale is no fail-back finding."""
    faults = [{"at": 10.0, "action": "inject", "target": "supplier_primary", "ok": True},
              {"at": 20.0, "action": "heal", "target": "supplier_primary", "ok": True}]
    src = sources(faults=faults, purchases={"primary": [purchase("A", 12.0, ["p1"]),
                                                        purchase("B", 40.0, ["p2"])],
                                            "backup": []})
    v = failback.check(src, Spec())
    assert v.ok is True and "nothing failed over" in v.detail


def test_a_hanging_fault_widens_the_failback_window_by_one_call_timeout() -> None:
    from drill.checks.from_scenario import check_spec
    from drill.scenario import load_scenario

    # supplier-failback's primary is `down` (refused at once): the reset window, 180 s / 60
    assert check_spec(load_scenario("supplier-failback")).failback_within_s == 3.0
    # supplier-hang's swallows calls: a trial sent just before the heal fails 1 s after it
    # (timeout_s) and opens the breaker once more: 120 s / 60 + 1 s
    assert check_spec(load_scenario("supplier-hang")).failback_within_s == 3.0
    assert check_spec(load_scenario("supplier-hang")).breaker_reset_s == 2.0
