"""Scenario time: every clock the players see (board, scorecard) counts scenario seconds
from the start of the load; `speed` wall seconds of the exercise are `speed` times longer."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ScenarioClock", "mmss"]


def mmss(scenario_s: float | None) -> str:
    """`754.2` -> `12:34`; None -> `—` (never happened)."""
    if scenario_s is None:
        return "—"
    sign = "-" if scenario_s < 0 else ""
    total = int(abs(scenario_s))
    return f"{sign}{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True, slots=True)
class ScenarioClock:
    t0: float        # wall time the load started (scenario 0)
    speed: float

    def at(self, wall: float) -> float:
        """Scenario seconds at wall time `wall`."""
        return (wall - self.t0) * self.speed

    def wall(self, scenario_s: float) -> float:
        """The wall time of scenario second `scenario_s`."""
        return self.t0 + scenario_s / self.speed
