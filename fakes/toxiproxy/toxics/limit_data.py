"""`limit_data`: passes at most `bytes` per connection and direction, then closes.

The chunk crossing the limit is truncated.  The count lives in the stub's
state, so it survives updates of the toxic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


class _Sent:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


@dataclass(frozen=True, slots=True)
class LimitData(Toxic):
    bytes: int = 0

    FIELDS: ClassVar[dict[str, str]] = {"bytes": "int64"}
    GO_NAME: ClassVar[str] = "LimitDataToxic"

    def new_state(self) -> Any:
        return _Sent()

    async def pipe(self, stub: Stub) -> None:
        state: _Sent = stub.state
        remaining = self.bytes - state.count
        while True:
            chunk = await stub.recv()
            if chunk is None:
                return
            remaining = max(remaining, 0)
            data = chunk[0][:remaining]
            if data:
                stub.send((data, chunk[1]))
                state.count += len(data)
                remaining = self.bytes - state.count
            if remaining <= 0:
                return
