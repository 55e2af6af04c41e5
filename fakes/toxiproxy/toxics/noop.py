"""`noop`: passes data unchanged. Undocumented upstream, but the API accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fakes.toxiproxy.toxics.base import Toxic

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


@dataclass(frozen=True, slots=True)
class Noop(Toxic):
    FIELDS: ClassVar[dict[str, str]] = {}
    GO_NAME: ClassVar[str] = "NoopToxic"

    async def pipe(self, stub: Stub) -> None:
        from fakes.toxiproxy.stub import noop_pipe

        await noop_pipe(stub)
