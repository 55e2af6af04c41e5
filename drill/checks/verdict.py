"""The oracle's answer for one invariant: valid, invalid or unknown, with evidence.

Like Jepsen's checker results: `ok` is True, False or None (unknown — a source
was missing or the checker crashed); `examples` are at most MAX_EXAMPLES
orders, each with its merged history; `counts` are the numbers behind it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_EXAMPLES = 20


@dataclass(frozen=True)
class Verdict:
    id: str
    ok: bool | None
    detail: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.examples) > MAX_EXAMPLES:
            object.__setattr__(self, "examples", list(self.examples[:MAX_EXAMPLES]))

    @property
    def status(self) -> str:
        return {True: "pass", False: "fail", None: "unknown"}[self.ok]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Verdict:
        return cls(str(raw["id"]), raw.get("ok"), str(raw.get("detail", "")),
                   list(raw.get("examples") or []), dict(raw.get("counts") or {}))


def merge_ok(values: list[bool | None]) -> bool | None:
    """False beats unknown beats True (Jepsen's merge-valid)."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def missing(check_id: str, *names: str) -> Verdict:
    """An unknown verdict because the named sources are absent."""
    return Verdict(check_id, None, f"cannot judge: missing {', '.join(names)} "
                   "(interrupted run or a component down at collection; see collect_errors.json)")
