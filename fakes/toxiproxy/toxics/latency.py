"""`latency`: each chunk is released at its read time + latency ± jitter (ms).

Pipelined (throughput is not cut) and additive across toxics in one stream,
because the chunk's timestamp is moved to its release time.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class Latency(Toxic):
    latency: int = 0
    jitter: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"latency": "int64", "jitter": "int64"}
    GO_NAME: ClassVar[str] = "LatencyToxic"

    def delay(self) -> float:
        """Seconds to add to one chunk: latency + U[-jitter, +jitter) like Go's Int63n."""
        delay = self.latency
        if self.jitter > 0:
            delay += random.randrange(self.jitter * 2) - self.jitter
        return delay / 1000.0

    async def pipe(self, stub: Stub) -> None:
        loop = asyncio.get_running_loop()
        while True:
            chunk = await stub.recv()
            if chunk is None:
                return
            release = chunk[1] + self.delay()
            chunk = (chunk[0], release)
            wait = release - loop.time()
            if wait > 0:
                await stub.hold(chunk, wait)
            stub.send(chunk)
