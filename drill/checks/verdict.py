"""The oracle's answer for one invariant: valid, invalid or unknown, with evidence.

Like Jepsen's checker results: `ok` is True, False or None (unknown — a source
was missing or the checker crashed); `examples` are at most MAX_EXAMPLES
orders, each with its merged history; `counts` are the numbers behind it.
`detail` and each example's `reason` stay English; when a checker wrote them
with drill.checks.said, `detail_msg` / `reason_msg` keep the key and figures so
the report can say them in the operator's language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from drill.checks.detail_text import TEXTS
from drill.checks.said import Said, neutral, said

MAX_EXAMPLES = 20


@dataclass(frozen=True)
class Verdict:
    id: str
    ok: bool | None
    detail: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    detail_msg: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if len(self.examples) > MAX_EXAMPLES:
            object.__setattr__(self, "examples", list(self.examples[:MAX_EXAMPLES]))
        if isinstance(self.detail, Said):
            if self.detail_msg is None:
                object.__setattr__(self, "detail_msg", neutral(self.detail))
            object.__setattr__(self, "detail", str.__str__(self.detail))
        for e in self.examples:
            reason = e.get("reason") if isinstance(e, dict) else None
            if isinstance(reason, Said):
                e["reason_msg"], e["reason"] = neutral(reason), str.__str__(reason)

    @property
    def status(self) -> str:
        return {True: "pass", False: "fail", None: "unknown"}[self.ok]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Verdict:
        return cls(str(raw["id"]), raw.get("ok"), str(raw.get("detail", "")),
                   list(raw.get("examples") or []), dict(raw.get("counts") or {}),
                   raw.get("detail_msg"))


def merge_ok(values: list[bool | None]) -> bool | None:
    """False beats unknown beats True (Jepsen's merge-valid)."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def missing(check_id: str, *names: str) -> Verdict:
    """An unknown verdict because the named sources are absent (each name a key of
    drill.checks.detail_text, e.g. "src.payments")."""
    return Verdict(check_id, None, said("verdict.missing", names=[source_name(n) for n in names]))


def source_name(name: str | Said) -> Said:
    """A missing source's name as a phrase of the catalogue (as written when it has none)."""
    if isinstance(name, Said):
        return name
    return said(f"src:{name}") if f"src:{name}" in TEXTS else said("raw", text=name)
