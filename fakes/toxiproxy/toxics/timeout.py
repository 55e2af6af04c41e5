"""`timeout`: drops all data and closes the stream `timeout` ms after the toxic starts.

0 means never close (data is still dropped).  Removing it closes the
connection (Go's `TimeoutToxic.Cleanup`), so a client stuck behind it is freed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class Timeout(Toxic):
    timeout: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"timeout": "int64"}
    GO_NAME: ClassVar[str] = "TimeoutToxic"
    CLOSES_ON_REMOVE: ClassVar[bool] = True

    async def pipe(self, stub: Stub) -> None:
        if self.timeout > 0:
            try:
                await asyncio.wait_for(_drop_all(stub), self.timeout / 1000.0)
            except TimeoutError:
                return
        else:
            await _drop_all(stub)


async def _drop_all(stub: Stub) -> None:
    while await stub.recv() is not None:
        pass
