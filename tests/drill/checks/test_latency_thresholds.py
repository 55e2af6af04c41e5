import pytest

from drill.checks import CheckSpec, Threshold, latency, thresholds
from drill.scenario import parse_threshold
from tests.drill.checks.literal import notify
from tests.drill.checks.ops import bought, export, order, paid, sources


def run(delivered_after: float) -> object:
    return sources(history=bought("A", 10.0) + bought("B", 10.0),
                   payments=[paid("A", 10.0), paid("B", 10.0)],
                   export=export([order("A", "delivered", 10.0 + delivered_after),
                                  order("B", "delivered", 10.2)]))


def test_latency_within_threshold_passes() -> None:
    spec = CheckSpec(thresholds=(Threshold.parse("delivery_p99 < 1s"),))
    v = latency.check(run(0.5), spec)  # type: ignore[arg-type]
    assert v.ok is True, v.detail
    assert v.counts["delivery_p99_s"] == 0.5


def test_latency_over_threshold_fails_with_slowest_orders() -> None:
    spec = CheckSpec(thresholds=(Threshold.parse("delivery_p99 < 1s"),))
    v = latency.check(run(3.0), spec)  # type: ignore[arg-type]
    assert v.ok is False
    assert v.examples[0]["order_no"] == "A"


def test_threshold_parse_units() -> None:
    assert Threshold.parse("delivery_p95 <= 500ms") == Threshold("delivery_p95_s", "<=", 0.5)
    assert Threshold.parse("error_rate < 1%").value == 0.01


@pytest.mark.parametrize("text", ["orders_created > 5s", "error_rate < 2m", "p99 < 1s"])
def test_one_threshold_grammar_for_scenario_and_spec(text: str) -> None:
    """The scenario model and the oracle read thresholds with one grammar: same refusals."""
    with pytest.raises(ValueError):
        parse_threshold(text)
    with pytest.raises(ValueError):
        Threshold.parse(text)
    with pytest.raises(ValueError):
        CheckSpec.from_dict({"thresholds": [text]})


def test_non_latency_thresholds() -> None:
    ok = CheckSpec(thresholds=(Threshold.parse("error_rate < 1%"),))
    bad = CheckSpec(thresholds=(Threshold.parse("orders_delivered >= 3"),))
    assert thresholds.check(run(0.5), ok).ok is True  # type: ignore[arg-type]
    assert thresholds.check(run(0.5), bad).ok is False  # type: ignore[arg-type]
    unknown = CheckSpec(thresholds=(Threshold("no_such_metric", "<", 1),))
    assert thresholds.check(run(0.5), unknown).ok is None  # type: ignore[arg-type]


def _queued(waits: dict[str, float], notifies: list | None = None) -> object:
    """Supplier orders paid at 10.0, each first bought `wait` s later, all delivered 1.6 s
    after their purchase (a slow supplier)."""
    history, payments, purchases, orders = [], [], [], []
    for no, wait in waits.items():
        history += bought(no, 10.0, product="apple-100")
        payments.append(paid(no, 10.0))
        purchases.append({"downstream_order_no": no, "sku": "apple-100", "quantity": 1,
                          "at": 10.0 + wait, "outcome": "delivered", "codes": [f"X{no}"]})
        orders.append(order(no, "delivered", 10.0 + wait + 1.6, product="apple-100"))
    return sources(history=history, payments=payments, purchases={"primary": purchases},
                   export=export(orders), notifies=notifies)


START = CheckSpec(thresholds=(Threshold.parse("delivery_start_p99 < 1s"),))


def test_a_slow_supplier_called_at_once_passes_the_start_threshold() -> None:
    v = latency.check(_queued({"A": 0.01, "B": 0.02, "C": 0.01}), START)  # type: ignore[arg-type]
    assert v.ok is True, v.detail
    assert v.counts["delivery_start_p99_s"] == 0.02 and v.counts["delivery_p99_s"] == 1.62


def test_orders_queued_behind_one_slow_call_fail_naming_the_longest_wait() -> None:
    v = latency.check(_queued({"A": 0.01, "B": 1.6, "C": 3.2}), START)  # type: ignore[arg-type]
    assert v.ok is False and v.counts["delivery_start_p99_s"] == 3.2
    assert v.examples[0]["order_no"] == "C"
    assert "paid 3.200 s before the shop first asked a supplier" in v.examples[0]["reason"]


def test_no_supplier_order_leaves_the_start_threshold_unknown() -> None:
    assert latency.check(run(0.5), START).ok is None  # type: ignore[arg-type]


def test_the_wait_starts_when_the_shop_had_the_money_not_at_the_gateway() -> None:
    """A notify refused twice, accepted at 12.0: the shop could not start before."""
    src = _queued({"A": 2.05}, [notify("A", 10.0, "fail"), notify("A", 11.0, "fail", attempt=2),
                                notify("A", 12.0, attempt=3)])
    v = latency.check(src, START)  # type: ignore[arg-type]
    assert v.ok is True and v.counts["delivery_start_p99_s"] == 0.047, v.detail
    late = _queued({"A": 3.5}, [notify("A", 12.0, attempt=3)])
    assert latency.check(late, START).ok is False  # type: ignore[arg-type]


def test_an_order_the_shop_learned_of_by_its_own_query_is_not_judged() -> None:
    """Every notify for B refused: it was bought once the shop's reconcile found it."""
    src = _queued({"A": 0.01, "B": 4.0}, [notify("A", 10.0), notify("B", 10.0, "fail")])
    v = latency.check(src, START)  # type: ignore[arg-type]
    assert v.ok is True and v.counts["delivery_start_p99_s"] == 0.007, v.detail
