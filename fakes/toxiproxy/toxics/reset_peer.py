"""`reset_peer`: on the first chunk, drop it, wait `timeout` ms, then close with an RST.

The RST comes from SO_LINGER=0, which the connection sets on both sockets at
accept time when the proxy has a reset_peer toxic (even at toxicity 0); a
toxic added to an already open connection therefore gives a plain FIN.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class ResetPeer(Toxic):
    timeout: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"timeout": "int64"}
    GO_NAME: ClassVar[str] = "ResetToxic"

    async def pipe(self, stub: Stub) -> None:
        await stub.recv()  # dropped, like Go's `case <-stub.Input`
        await asyncio.sleep(max(self.timeout, 0) / 1000.0)
