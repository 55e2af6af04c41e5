"""The supplier breaker on a fake clock: it half-opens after the reset window and lets ONE
trial through however many calls arrive at once; success closes it for everybody (fail-back);
a trial whose outcome never comes back expires; the no-failback defect never half-opens."""

from __future__ import annotations

import pytest

from delivery import suppliers
from delivery.config import SupplierPolicy
from delivery.suppliers import Breaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(suppliers.time, "time", c.time)
    return c


def _tripped(sticky: bool = False) -> Breaker:
    b = Breaker(SupplierPolicy(breaker_failures=3), 5.0, sticky=sticky)
    for _ in range(3):
        b.failure()
    return b


def test_half_open_lets_one_of_many_concurrent_calls_through(clock: Clock) -> None:
    b = _tripped()
    assert b.state == "open" and not b.allow()
    clock.now += 5.0
    assert b.state == "half_open"
    assert [b.allow() for _ in range(20)] == [True] + [False] * 19
    b.success()
    assert b.state == "closed" and all(b.allow() for _ in range(20))


def test_a_failed_trial_reopens_for_another_window(clock: Clock) -> None:
    b = _tripped()
    clock.now += 5.0
    assert b.allow()
    b.failure()
    assert b.state == "open" and not b.allow()
    clock.now += 5.0
    assert b.allow()


def test_a_trial_that_never_reports_expires(clock: Clock) -> None:
    """The trial's task was cancelled (or ended in neither success nor failure): without the
    expiry the breaker would stay half-open with its one trial taken, for good."""
    b = _tripped()
    clock.now += 5.0
    assert b.allow()
    clock.now += 4.9
    assert not b.allow()
    clock.now += 0.2
    assert b.allow()


def test_the_no_failback_defect_never_half_opens(clock: Clock) -> None:
    b = _tripped(sticky=True)
    clock.now += 3600.0
    assert b.state == "open" and not b.allow()
