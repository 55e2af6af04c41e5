"""The fault plan is pure: steps in time order, every inject healed, no sleeping."""

from __future__ import annotations

from drill.faults.plan import plan
from drill.scenario import Fault


def F(at: float, target: str = "im", kind: str = "latency", **kw: object) -> Fault:
    return Fault.model_validate({"at": at, "target": target, "kind": kind, **kw})


def test_inject_then_heal_after_for() -> None:
    steps = plan([F(5, **{"for": "4s"})], load_duration=20)
    assert [(s.at, s.action, s.fault_id) for s in steps] == [
        (5, "inject", "f0-latency-im"), (9, "heal", "f0-latency-im")]


def test_without_for_heals_when_the_load_ends_and_until_is_absolute() -> None:
    steps = plan([F(2), F(3, target="supplier_primary", kind="down", until="7s")], 20)
    assert [(s.at, s.action, s.index) for s in steps] == [
        (2, "inject", 0), (3, "inject", 1), (7, "heal", 1), (20, "heal", 0)]


def test_overlapping_faults_interleave_and_heals_win_ties() -> None:
    steps = plan([F(0, **{"for": "5s"}), F(5, target="gateway_notify", kind="reset_peer"),
                  F(1, target="worker", kind="kill", **{"for": "2s"})], 10)
    assert [(s.at, s.action, s.index) for s in steps] == [
        (0, "inject", 0), (1, "inject", 2), (3, "heal", 2), (5, "heal", 0), (5, "inject", 1),
        (10, "heal", 1)]


def test_every_fault_has_exactly_one_inject_and_one_heal() -> None:
    faults = [F(i % 7, **{"for": f"{i % 3 + 1}s"}) for i in range(12)]
    steps = plan(faults, 30)
    for i in range(12):
        mine = [s.action for s in steps if s.index == i]
        assert mine == ["inject", "heal"]
    assert [s.at for s in steps] == sorted(s.at for s in steps)


def test_a_container_fault_targets_its_container_and_carries_its_keys() -> None:
    fault = Fault.model_validate({"at": 1, "for": "2s", "kind": "container", "action": "kill",
                                  "container": "shop-php", "signal": "SIGTERM"})
    steps = plan([fault], 10)
    assert [(s.action, s.fault_id, s.params) for s in steps] == [
        ("inject", "f0-container-shop-php",
         {"action": "kill", "container": "shop-php", "signal": "SIGTERM"}),
        ("heal", "f0-container-shop-php",
         {"action": "kill", "container": "shop-php", "signal": "SIGTERM"})]
    assert not steps[1].open_end


def test_a_labelled_container_and_a_command_fault_healing_at_the_end_of_the_load() -> None:
    by_label = Fault.model_validate({"at": 1, "kind": "container", "action": "pause",
                                     "label": "app=shop"})
    command = Fault.model_validate({"at": 2, "kind": "command", "command": "kill -STOP 1",
                                    "heal": "kill -CONT 1", "timeout": "5s"})
    steps = plan([by_label, command], 10)
    assert [s.fault_id for s in steps] == [
        "f0-container-label:app=shop", "f1-command-shell", "f0-container-label:app=shop",
        "f1-command-shell"]
    assert steps[1].params == {"command": "kill -STOP 1", "heal": "kill -CONT 1", "timeout": 5.0}
    assert all(s.open_end for s in steps if s.action == "heal")
