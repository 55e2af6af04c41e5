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
