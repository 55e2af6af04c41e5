"""Buyers' polls wake on a shared 10 ms grid (fewer wake-ups of the Locust process), at least
the asked wait after now and never past the poll budget's deadline."""

from __future__ import annotations

import pytest

from drill.load import buyer


@pytest.mark.parametrize(("now", "wait", "deadline", "wake"), [
    (100.0031, 0.05, 200.0, 100.06),     # next boundary after now + wait
    (100.0100, 0.05, 200.0, 100.06),     # exactly on a boundary: stays there
    (100.0031, 0.05, 100.055, 100.055),  # the deadline comes first
    (100.0031, 0.05, 100.01, 100.0531),  # a deadline already inside the wait: the wait holds
])
def test_sleep_on_grid(monkeypatch: pytest.MonkeyPatch, now: float, wait: float,
                       deadline: float, wake: float) -> None:
    slept: list[float] = []
    monkeypatch.setattr(buyer.time, "time", lambda: now)
    monkeypatch.setattr(buyer.gevent, "sleep", slept.append)
    buyer._sleep_on_grid(wait, deadline)
    assert slept == [pytest.approx(wake - now, abs=1e-9)]
    assert slept[0] >= wait - 1e-9
