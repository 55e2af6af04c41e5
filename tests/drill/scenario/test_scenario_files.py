"""Scenario files: every shipped one validates; broken ones name file, field and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from delivery.config import Config
from drill.checks import CheckSpec
from drill.checks.from_scenario import check_spec
from drill.errors import ScenarioError
from drill.load import LoadPlan
from drill.load.from_scenario import load_plan
from drill.scenario import SCENARIO_DIR, load_scenario
from drill.scenario.units import parse_duration, parse_threshold
from drill.stack.service_config import ServiceUrls, service_config

SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
URLS = ServiceUrls("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3",
                   {"primary": "http://127.0.0.1:4", "backup": "http://127.0.0.1:5"},
                   "http://127.0.0.1:6", "sqlite:///x.sqlite3")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_validates_and_maps(name: str) -> None:
    s = load_scenario(name)
    assert s.title and "nightly" in s.tags
    Config.model_validate(service_config(s, URLS))          # the service accepts the config
    assert isinstance(load_plan(s, "http://127.0.0.1:1", "http://127.0.0.1:3"), LoadPlan)
    spec = check_spec(s)
    assert CheckSpec.from_json(spec.to_json()) == spec      # spec.json round-trips


def test_smoke_is_fast_and_tagged_for_ci() -> None:
    s = load_scenario("smoke")
    assert {"smoke", "ci", "nightly"} <= set(s.tags)
    assert s.load.duration + s.expect.settle < 60


def test_expiry_late_holds_paid_orders_past_their_expiry() -> None:
    """The world expiry-sweeps-paid needs: a worker stall longer than the expiry, while
    orders are paid, so a sweep that takes paid orders for unpaid ones has some to take."""
    s = load_scenario("expiry-late")
    stalls = [f for f in s.faults if f.kind == "pause" and f.target.startswith("worker")]
    expiry = (s.service.order_expiry_s or 0) / s.time_scale
    assert stalls and s.service.workers >= 1
    assert any(f.end is not None and f.end - f.at > expiry and f.at + expiry < s.load.duration
               for f in stalls)
    assert "stuck_paid_orders" in s.expect.alerts and s.load.late_payers > 0


def test_supplier_slow_bounds_delivery_by_the_suppliers_latency() -> None:
    """worker-concurrency-one: the queue before the first supplier call stays under one slow
    call (a serialised worker makes each order wait for every slow call ahead of it)."""
    s = load_scenario("supplier-slow")
    latency_s = max(float(f.params["latency"]) / 1000 for f in s.faults if f.kind == "latency")
    start = [t for t in check_spec(s).thresholds if t.metric == "delivery_start_p99_s"]
    assert start and start[0].op == "<" and start[0].value <= latency_s


def _broken(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    assert all(str(path) in line for line in str(info.value).splitlines()[1:])
    return info.value.problems


BASE = 'title = "t"\n[[catalogue]]\nid = "p"\nstock = 5\n'


def test_unknown_key_names_the_field_path(tmp_path: Path) -> None:
    problems = _broken(tmp_path, BASE + 'colour = "red"\n')
    assert problems == ["catalogue[0].colour = 'red': unknown key; remove it or fix its spelling "
                        "(see scenarios/README.md)"]


def test_bad_values_name_field_value_and_fix(tmp_path: Path) -> None:
    problems = _broken(tmp_path, BASE + '[load]\nduration = "20 parsecs"\nshape = "flash"\n'
                       '[expect]\nthresholds = ["p42 < 3"]\n')
    text = "\n".join(problems)
    assert "load.duration = '20 parsecs'" in text and '"20s"' in text
    assert "load.shape = 'flash'" in text and "flash_sale" in text
    assert "unknown metric 'p42'" in text


def test_missing_required_key(tmp_path: Path) -> None:
    problems = _broken(tmp_path, '[[catalogue]]\nid = "p"\n')
    assert problems == ["title: is required; add it"]


def test_fault_with_unknown_target_lists_the_known_ones(tmp_path: Path) -> None:
    problems = _broken(tmp_path, BASE + '[[faults]]\nat = "1s"\ntarget = "supplier-b"\n'
                       'kind = "latency"\n')
    assert problems[0].startswith("faults[0].target = 'supplier-b' is unknown; known: ")
    assert "supplier_primary" in problems[0]


def test_worker_fault_needs_separate_workers(tmp_path: Path) -> None:
    problems = _broken(tmp_path, BASE + '[[faults]]\nat = "1s"\ntarget = "worker"\nkind = "kill"\n')
    assert "workers >= 1" in problems[0]


def test_toxic_params_are_checked(tmp_path: Path) -> None:
    problems = _broken(tmp_path, BASE + '[[faults]]\nat = "1s"\ntarget = "im"\n'
                       'kind = "latency"\nparams = { latncy = 5 }\n')
    assert "unknown key 'latncy' for latency; allowed: latency, jitter" in problems[0]


def test_missing_file_lists_known_scenarios() -> None:
    with pytest.raises(ScenarioError, match=r"known scenarios: .*smoke"):
        load_scenario("no-such-drill")


def test_overrides_win() -> None:
    assert load_scenario("smoke", time_scale=5.0, seed=3).time_scale == 5.0


@pytest.mark.parametrize(("text", "seconds"), [("500ms", 0.5), ("20s", 20), ("2m", 120), (15, 15)])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_thresholds() -> None:
    assert parse_threshold("delivery_p99 < 5s") == ("delivery_p99_s", "<", 5.0)
    assert parse_threshold("error_rate <= 1%") == ("error_rate", "<=", 0.01)
    assert parse_threshold("delivery_p50 < 200ms") == ("delivery_p50_s", "<", 0.2)
    with pytest.raises(ValueError, match="not a time"):
        parse_threshold("orders_created > 5s")
