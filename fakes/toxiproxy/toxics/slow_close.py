"""`slow_close`: data passes; the close is delayed by `delay` ms after the source's EOF."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class SlowClose(Toxic):
    delay: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"delay": "int64"}
    GO_NAME: ClassVar[str] = "SlowCloserToxic"

    async def pipe(self, stub: Stub) -> None:
        while True:
            chunk = await stub.recv()
            if chunk is None:
                await asyncio.sleep(max(self.delay, 0) / 1000.0)
                return
            stub.send(chunk)
