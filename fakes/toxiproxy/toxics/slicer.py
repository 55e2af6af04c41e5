"""`slicer`: splits chunks into pieces of about `average_size` ± `size_variation` bytes.

Pieces are separated by `delay` microseconds.  Splitting follows Go's
recursive midpoint ± rand(variation) rule, done iteratively here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class Slicer(Toxic):
    average_size: int = 0
    size_variation: int = 0
    delay: int = 0

    FIELDS: ClassVar[dict[str, str]] = {
        "average_size": "int",
        "size_variation": "int",
        "delay": "int",
    }
    GO_NAME: ClassVar[str] = "SlicerToxic"

    def cuts(self, size: int) -> list[int]:
        """Piece boundaries [0, ..., size] for a chunk of `size` bytes."""
        bounds = [0]
        stack = [(0, size)]
        var = max(self.size_variation, 0)
        while stack:
            start, end = stack.pop()
            if (end - start) - self.average_size <= var or end - start <= 1:
                bounds.append(end)
                continue
            mid = start + (end - start) // 2
            if var > 0:
                mid += random.randrange(var * 2) - var
            mid = min(max(mid, start + 1), end - 1)
            stack.append((mid, end))
            stack.append((start, mid))
        return bounds

    async def pipe(self, stub: Stub) -> None:
        delay = max(self.delay, 0) / 1e6
        while True:
            chunk = await stub.recv()
            if chunk is None:
                return
            data, stamp = chunk
            bounds = self.cuts(len(data))
            for i in range(1, len(bounds)):
                stub.send((data[bounds[i - 1] : bounds[i]], stamp))
                if i + 1 < len(bounds):
                    await stub.hold((data[bounds[i] :], stamp), delay)
