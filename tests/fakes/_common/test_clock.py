"""The manual clock fires due timers in order, at their own time, and honours cancel."""

from __future__ import annotations

from fakes._common import ManualClock


def test_advance_runs_due_timers_in_order_at_their_time() -> None:
    clock = ManualClock(start=100.0)
    seen: list[tuple[str, float]] = []
    clock.call_later(2.0, lambda: seen.append(("b", clock.now())))
    clock.call_later(1.0, lambda: seen.append(("a", clock.now())))
    dropped = clock.call_later(1.5, lambda: seen.append(("x", clock.now())))
    dropped.cancel()
    assert clock.next_due() == 101.0 and clock.pending() == 2
    clock.advance(1.0)
    assert seen == [("a", 101.0)]
    clock.advance(5.0)
    assert seen == [("a", 101.0), ("b", 102.0)] and clock.now() == 106.0
    assert clock.next_due() is None


def test_a_timer_set_by_a_timer_fires_within_the_same_advance() -> None:
    clock = ManualClock(start=0.0)
    seen: list[float] = []

    def again() -> None:
        seen.append(clock.now())
        if len(seen) < 3:
            clock.call_later(1.0, again)
    clock.call_later(1.0, again)
    clock.advance(10.0)
    assert seen == [1.0, 2.0, 3.0]
