"""The harness's self-watch: real busy and idle processes, and the pure rules over samples."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from drill.saturation import (
    ComponentLoad,
    HarnessLoad,
    SaturationSampler,
    saturation_reasons,
    summarise,
)
from runtime import ManagedProcess
from tests.waiting import wait_until

BUSY = "import time\nend = time.monotonic() + 20\nwhile time.monotonic() < end: pass\n"
IDLE = "import time\ntime.sleep(20)\n"


@pytest.fixture
def children() -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    procs = {name: subprocess.Popen([sys.executable, "-c", code])
             for name, code in (("busy", BUSY), ("idle", IDLE))}
    yield procs
    for p in procs.values():
        p.kill()
        p.wait()


def test_sampler_tells_a_busy_process_from_an_idle_one(
        children: dict[str, subprocess.Popen[bytes]]) -> None:
    sampler = SaturationSampler(lambda: {n: p.pid for n, p in children.items()}, interval_s=0.1)
    sampler.start()
    wait_until(lambda: len(sampler.samples.get("busy", [])) >= 8, timeout=10, what="8 samples")
    load = sampler.stop()
    by_name = {c.name: c for c in load.components}
    busy, idle = by_name["busy"], by_name["idle"]
    # a spinning loop gets a share of a core that depends on what else runs (the suite runs
    # in parallel workers): it must stand far above the sleeper, whatever the box does
    assert busy.cpu_mean > 0.1 and busy.cpu_mean > 10 * idle.cpu_mean
    assert idle.cpu_mean < 0.05
    assert load.sampler_cpu_s < load.wall_s        # it measured itself, and idled mostly
    reasons = saturation_reasons(load, limit=max(0.06, busy.cpu_p90 / 2), box_limit=1.01)
    assert any("busy" in r for r in reasons) and not any("idle" in r for r in reasons)


def test_a_process_that_exits_mid_run_is_skipped_not_fatal() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    sampler = SaturationSampler(lambda: {"gone": proc.pid}, interval_s=0.05)
    sampler.start()
    wait_until(lambda: len(sampler.box) >= 2, timeout=10, what="two box samples")
    assert sampler.stop().components == ()


def _load(*comps: ComponentLoad) -> HarnessLoad:
    return HarnessLoad(comps, 0.5, 10.0, 2, 0.5, 0.01)


def test_reasons_name_the_saturated_component() -> None:
    load = _load(ComponentLoad("locust", 20, 0.95, 0.98, 1.0, 1),
                 ComponentLoad("gateway", 20, 0.2, 0.3, 0.4, 1))
    assert saturation_reasons(load) == [
        "harness saturated: locust at 98% of a core (p90 over 20 samples)"]


def test_locust_with_two_workers_may_use_two_cores() -> None:
    load = _load(ComponentLoad("locust", 20, 1.2, 1.5, 1.7, 3))
    assert saturation_reasons(load) == []


def test_dropped_arrivals_blame_the_harness_only_when_it_was_saturated() -> None:
    idle = _load(ComponentLoad("locust", 20, 0.2, 0.3, 0.4, 1))
    assert saturation_reasons(idle, dropped_arrivals=50) == []
    busy = _load(ComponentLoad("conductor", 20, 0.9, 0.95, 1.0, 1))
    assert saturation_reasons(busy, dropped_arrivals=50)[-1] == (
        "50 arrivals dropped while the harness was saturated")


def test_summarise_is_pure_over_samples() -> None:
    load = summarise({"a": [0.1, 0.2, 0.9, 0.3], "b": []}, {"a": 2}, [0.4, 0.6],
                     interval_s=0.5, wall_s=2.0, sampler_cpu_s=0.001)
    assert [c.name for c in load.components] == ["a"]
    a = load.components[0]
    assert (a.samples, a.cpu_max, a.cpu_p90, a.processes) == (4, 0.9, 0.9, 2)
    assert load.box_cpu_p90 == 0.6


def test_a_box_busy_with_other_work_is_saturation_too() -> None:
    shop = (ComponentLoad("service", 20, 0.37, 0.56, 0.96, 1),)
    load = HarnessLoad((ComponentLoad("locust", 20, 0.2, 0.33, 0.7, 1),), 0.5, 30.0, 2, 1.0,
                       1.1, shop=shop)
    assert saturation_reasons(load, dropped_arrivals=3351) == [
        "box saturated: its 2 cores 100% busy (p90); the drill's processes used 0.57 cores "
        "on average, other work the rest",
        "3351 arrivals dropped while the harness was saturated"]
    idle_box = HarnessLoad(load.components, 0.5, 30.0, 2, 0.6, 1.1, shop=shop)
    assert saturation_reasons(idle_box, dropped_arrivals=3351) == []


def test_a_full_box_excuses_no_shop_that_idled_while_light_processes_were_served() -> None:
    """notify-waits-delivery: the shop waited on a slow supplier inside the notify at 0.3 of a
    core while other work filled the box; the gateway answered its probes in ~10 ms."""
    idle_shop = (ComponentLoad("service", 58, 0.22, 0.30, 0.33, 1),)
    fast = {"healthz_ms": {"gateway": {"samples": 59, "p50": 2.4, "p90": 9.7, "max": 13.7}}}
    load = HarnessLoad((ComponentLoad("locust", 58, 0.05, 0.04, 0.8, 1),), 0.5, 30.0, 2, 1.0,
                       0.3, extra=fast, shop=idle_shop)
    assert saturation_reasons(load) == []
    slow = {"healthz_ms": {"gateway": {"samples": 59, "p50": 30.0, "p90": 80.0, "max": 200.0}}}
    assert saturation_reasons(replace(load, extra=slow))[0].startswith("box saturated")
    hungry = (ComponentLoad("service", 58, 0.4, 0.6, 0.9, 1),)
    assert saturation_reasons(replace(load, shop=hungry))[0].startswith("box saturated")
    assert saturation_reasons(replace(load, shop=()))[0].startswith("box saturated")


def test_a_slow_fake_event_loop_is_harness_saturation() -> None:
    lag = {"gateway": {"samples": 30, "p50": 40.0, "p90": 320.0, "max": 1000.0}}
    load = HarnessLoad((), 0.5, 15.0, 2, 0.5, 0.01, extra={"healthz_ms": lag})
    assert saturation_reasons(load) == [
        "harness saturated: gateway answered /healthz in 320 ms (p90 over 30 probes): "
        "its event loop was busy"]
    lag["gateway"]["p90"] = 12.0
    assert saturation_reasons(load) == []


def test_probes_time_a_real_healthz(tmp_path: Path) -> None:
    app = Path(__file__).resolve().parents[1] / "runtime" / "_echo_app.py"
    with ManagedProcess("echo", [sys.executable, str(app), "--port", "0"],
                        log_path=tmp_path / "echo.log") as echo:
        sampler = SaturationSampler(dict, interval_s=0.05, probes={"echo": echo.url + "/"})
        sampler.start()
        wait_until(lambda: len(sampler.lags_ms.get("echo", [])) >= 3, timeout=10,
                   what="three probes")
        lag = sampler.stop().extra["healthz_ms"]["echo"]
    assert lag["samples"] >= 3 and 0 < lag["p50"] <= lag["max"]
