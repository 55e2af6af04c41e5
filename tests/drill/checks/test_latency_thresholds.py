import pytest

from drill.checks import CheckSpec, Threshold, latency, thresholds
from drill.scenario import parse_threshold
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
