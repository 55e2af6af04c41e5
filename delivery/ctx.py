"""The service's shared state, handed to every part (no module globals)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from delivery.config import Config
from delivery.db import Db
from delivery.defects import Defects
from delivery.metrics import Metrics

log = logging.getLogger("delivery")


@dataclass
class Ctx:
    cfg: Config
    db: Db
    defects: Defects
    metrics: Metrics
    worker_id: str = "w1"
    http: httpx.AsyncClient | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    wake_outbox: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], float] = time.time  # epoch seconds; tests inject a settable clock

    def now(self) -> float:
        """Business time (epoch s) for every timestamp and deadline the service writes."""
        return self.clock()

    def client(self) -> httpx.AsyncClient:
        if self.http is None:
            self.http = httpx.AsyncClient(
                timeout=httpx.Timeout(5.0),
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=50))
        return self.http


def mask(code: str) -> str:
    """Card codes never reach a log whole."""
    return code[:3] + "***" + code[-2:] if len(code) > 6 else "***"
