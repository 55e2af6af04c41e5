"""LoadPlan and its shape arithmetic, tested without a clock or Locust."""

import pytest

from drill.load import LoadPlan
from drill.load.plan import arrival_offsets, planned_arrivals, rate_at, users_at

BASE = {"service_url": "http://127.0.0.1:1", "gateway_url": "http://127.0.0.1:2",
        "products": ("steam-50",)}


def test_json_round_trip_and_validation() -> None:
    plan = LoadPlan(**BASE, shape="steps", steps=((0, 2), (5, 4)), duration_s=10)
    assert LoadPlan.from_json(plan.to_json()) == plan
    with pytest.raises(ValueError, match="shape='nope' is unknown"):
        LoadPlan(**BASE, shape="nope")
    with pytest.raises(ValueError, match="needs rate > 0"):
        LoadPlan(**BASE, shape="arrival_rate")
    with pytest.raises(ValueError, match="unknown keys"):
        LoadPlan.from_json('{"service_url": "x", "bogus": 1}')


def test_open_or_closed_model() -> None:
    assert not LoadPlan(**BASE).open_model
    assert not LoadPlan(**BASE, shape="flash_sale").open_model
    assert LoadPlan(**BASE, shape="flash_sale", rate=10).open_model
    assert LoadPlan(**BASE, shape="arrival_rate", rate=10).open_model


def test_flash_sale_users_and_rate_spike() -> None:
    plan = LoadPlan(**BASE, shape="flash_sale", users=4, rate=10, peak_multiplier=5,
                    spike_at_s=2, spike_for_s=3, duration_s=8)
    assert [users_at(plan, t) for t in (0, 1.9, 2, 4.9, 5, 7.9, 8)] == [4, 4, 20, 20, 4, 4, None]
    assert [rate_at(plan, t) for t in (0, 2, 4.99, 5, 8)] == [10, 50, 50, 10, 0]


def test_steps_shape() -> None:
    plan = LoadPlan(**BASE, shape="steps", users=1, steps=((2, 3), (4, 6)), duration_s=6)
    assert [users_at(plan, t) for t in (0, 2, 3.5, 4, 6)] == [1, 3, 3, 6, None]


def test_arrivals_follow_the_rate_and_bounds() -> None:
    plan = LoadPlan(**BASE, shape="flash_sale", rate=10, peak_multiplier=10, spike_at_s=1,
                    spike_for_s=1, duration_s=3)
    offs = arrival_offsets(plan)
    assert len(offs) == pytest.approx(10 + 100 + 10, abs=1)
    assert sum(1 for t in offs if 1 <= t < 2) == pytest.approx(100, abs=1)
    assert offs == sorted(offs) and offs[-1] < 3
    assert planned_arrivals(plan) == len(offs)
    capped = LoadPlan(**BASE, shape="arrival_rate", rate=100, duration_s=3, max_orders=7)
    assert len(arrival_offsets(capped)) == 7


def test_arrivals_split_exactly_between_processes() -> None:
    plan = LoadPlan(**BASE, shape="arrival_rate", rate=50, duration_s=2, processes=3)
    parts = [arrival_offsets(plan, i, 3) for i in range(3)]
    assert sorted(t for p in parts for t in p) == arrival_offsets(plan)
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1


def test_runner_refuses_non_loopback_targets(tmp_path: object) -> None:
    from drill.load import LoadRun
    from runtime.loopback import NonLoopbackError

    plan = LoadPlan(service_url="http://10.1.2.3:80", gateway_url="http://127.0.0.1:2",
                    products=("x",))
    with pytest.raises(NonLoopbackError):
        LoadRun(plan, tmp_path)  # type: ignore[arg-type]


def test_importing_drill_load_does_not_import_locust() -> None:
    import subprocess
    import sys

    code = "import sys, drill.load, drill.checks, drill.report; print('locust' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
