"""Run metrics: a snooper the shop refused is the shop doing right, not a buyer's error."""

from drill.checks.metrics import compute_metrics
from tests.drill.checks.literal import snoop
from tests.drill.checks.ops import bought, sources


def test_error_rate_counts_real_buyers_only() -> None:
    history = [*bought("A1", 1.0, ["K1"]),
               snoop(1, "invoke", "snoop_cards", 2.0, order_no="A1", how="no_token"),
               snoop(1, "fail", "snoop_cards", 2.1, order_no="A1", how="no_token", status=404)]
    assert compute_metrics(sources(history=history))["error_rate"] == 0.0
    failed = [*history, *bought("A2", 3.0, delivered=False)]
    assert compute_metrics(sources(history=failed))["error_rate"] > 0.0
