"""What an operator action did: the value shown on the page and written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DONE, NOOP, REFUSED = "done", "noop", "refused"


@dataclass(frozen=True, slots=True)
class Outcome:
    """`key`/`params` say it to the operator (i18n); `detail` is the audit record's JSON."""

    action: str
    order_no: str | None
    result: str  # done | noop | refused
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    status: int = 200


class Refused(Exception):
    """An action that cannot be done as asked; carries the i18n message and the HTTP status."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.params = status, key, params

    def outcome(self, action: str, order_no: str | None) -> Outcome:
        detail = {"error": self.key, **{k: str(v) for k, v in self.params.items()}}
        return Outcome(action, order_no, REFUSED, self.key, self.params, detail, self.status)
