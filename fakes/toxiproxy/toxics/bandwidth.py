"""`bandwidth`: limits a stream to `rate` KB/s (KB = 1000 B); rate <= 0 is unlimited.

Uses a deadline schedule instead of Go's accumulated sleeps, so timer
granularity does not add up: 480 KB at 1000 KB/s takes 480 ms.  Chunks larger
than 100 ms worth of data are sent in 100 ms slices, as Toxiproxy does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class Bandwidth(Toxic):
    rate: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"rate": "int64"}
    GO_NAME: ClassVar[str] = "BandwidthToxic"

    async def pipe(self, stub: Stub) -> None:
        loop = asyncio.get_running_loop()
        rate = self.rate
        slice_size = rate * 100
        due = loop.time()
        while True:
            chunk = await stub.recv()
            if chunk is None:
                return
            if rate <= 0:
                stub.send(chunk)
                continue
            data, stamp = chunk
            due = max(due, loop.time())
            while len(data) > slice_size:
                due += 0.1
                await stub.hold((data, stamp), due - loop.time())
                stub.send((data[:slice_size], stamp))
                data = data[slice_size:]
            due += len(data) / (rate * 1000.0)
            await stub.hold((data, stamp), due - loop.time())
            stub.send((data, stamp))
