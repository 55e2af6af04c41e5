"""The one interface every toxic implements, and the wrapper that carries name/stream/toxicity.

As in Toxiproxy's `toxics/toxic.go`: a toxic only knows how to `pipe` chunks
from its stub's input to its output.  Name, type, stream and toxicity live in
`ToxicWrapper`, handled once for all toxics.  Attributes are an immutable
dataclass: an update builds a new one (merged), so a running pipe never sees a
half-applied change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from fakes.toxiproxy.stub import Stub


class Toxic:
    """Base for toxic attribute dataclasses.

    Subclasses declare `FIELDS` (JSON name -> Go kind, in Go struct order),
    `GO_NAME` (for error messages) and implement `pipe`.  `CLOSES_ON_REMOVE`
    marks toxics whose removal closes the connection (Go's `CleanupToxic`).
    """

    FIELDS: ClassVar[dict[str, str]] = {}
    GO_NAME: ClassVar[str] = "NoopToxic"
    CLOSES_ON_REMOVE: ClassVar[bool] = False

    def attributes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def merged(self, changes: dict[str, Any]) -> Toxic:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def new_state(self) -> Any:
        """Per-stub state that survives updates (limit_data's byte count)."""
        return None

    def armed(self, state: Any) -> bool:
        """True while the toxic is in an action Go's pipe cannot be interrupted in.

        Such a stub is resumed after a live change instead of restarted (no new
        toxicity draw) and is not unlinked by a removal: reset_peer's wait.
        """
        return False

    async def pipe(self, stub: Stub) -> None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ToxicWrapper:
    """A toxic as the API sees it: attributes plus name, type, stream, toxicity."""

    toxic: Toxic
    name: str
    type: str
    stream: str  # as given by the client (case preserved), e.g. "UPSTREAM"
    upstream: bool  # the direction the stream string resolved to
    toxicity: float

    def to_json(self) -> dict[str, Any]:
        from fakes.toxiproxy.encoding import float32_json

        return {
            "attributes": self.toxic.attributes(),
            "name": self.name,
            "type": self.type,
            "stream": self.stream,
            "toxicity": float32_json(self.toxicity),
        }
