"""Times as the operator reads them: ages in scenario minutes (the shop's time_scale applies)."""

from __future__ import annotations

import time

from delivery.config import Config


def age_minutes(cfg: Config, since: float | None, now: float) -> float:
    """Wall seconds since `since`, as scenario minutes (one decimal)."""
    if since is None:
        return 0.0
    return round(max(0.0, now - since) * cfg.time_scale / 60.0, 1)


def clock(ts: float | None) -> str:
    """A wall-clock timestamp as local HH:MM:SS (empty when unknown)."""
    if ts is None:
        return ""
    return time.strftime("%H:%M:%S", time.localtime(ts))
