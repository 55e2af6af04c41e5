"""`reset_peer`: on the first chunk, drop it, wait `timeout` ms, then close with an RST.

The RST comes from SO_LINGER=0, which the connection sets on both sockets at
accept time when the proxy has a reset_peer toxic (even at toxicity 0); a
toxic added to an already open connection therefore gives a plain FIN.

Go waits with an uninterruptible `<-time.After(timeout)`, so once the first
chunk arrived the reset comes at that deadline whatever happens to the toxic
(update, a toxic appended, removal).  The deadline lives in the stub's state,
so a live change resumes the wait rather than starting over.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


class _Pending:
    __slots__ = ("reset_at",)

    def __init__(self) -> None:
        self.reset_at: float | None = None  # loop time of the reset, once armed


@dataclass(frozen=True, slots=True)
class ResetPeer(Toxic):
    timeout: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"timeout": "int64"}
    GO_NAME: ClassVar[str] = "ResetToxic"

    def new_state(self) -> Any:
        return _Pending()

    def armed(self, state: Any) -> bool:
        return isinstance(state, _Pending) and state.reset_at is not None

    async def pipe(self, stub: Stub) -> None:
        state: _Pending = stub.state
        loop = asyncio.get_running_loop()
        if state.reset_at is None:
            await stub.recv()  # dropped, like Go's `case <-stub.Input`
            state.reset_at = loop.time() + max(self.timeout, 0) / 1000.0
        await asyncio.sleep(max(state.reset_at - loop.time(), 0.0))
