"""The console tables that close `zoo` and `capacity`, in the operator's language.

Columns are padded by display width (a Chinese character takes two cells), so the
table lines up in a terminal in both languages. Ids (defects, scenarios, checks) and
figures stay as they are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol

from drill.i18n import Lang
from drill.report.words import CAPACITY, ZOO, verdict_word

__all__ = ["capacity_conclusion", "capacity_table", "zoo_table"]


class ZooRow(Protocol):
    defect: str | None
    scenario: str
    expected: str | None
    verdict: str
    failed: list[str]
    wall_s: float

    @property
    def ok(self) -> bool: ...


class CapacityRow(Protocol):
    rate: float
    verdict: str
    failed: list[str]
    orders_per_s: float | None
    delivery_p99_s: float | None
    dropped_arrivals: int | None


def width(text: str) -> int:
    """Terminal cells of `text` (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _columns(rows: Sequence[Sequence[str]], right: bool = False) -> str:
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]

    def pad(cell: str, w: int) -> str:
        gap = " " * (w - width(cell))
        return gap + cell if right else cell + gap
    lines = ["  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _caught(r: ZooRow, lang: Lang) -> str:
    if r.defect is None:
        return (ZOO["clean_pass"].say(lang) if r.ok
                else ZOO["clean_bad"].say(lang, verdict=verdict_word(r.verdict, lang)))
    return ZOO["yes" if r.ok else "no"].say(lang)


def zoo_table(rows: Sequence[ZooRow], lang: Lang = "en") -> str:
    """defect · scenario · expected check · caught · checks that fired · wall s."""
    head = [ZOO[k].say(lang) for k in ("defect", "scenario", "expected", "caught", "fired",
                                       "wall")]
    body = [[r.defect or ZOO["clean"].say(lang), r.scenario, r.expected or "-",
             _caught(r, lang), ", ".join(r.failed) or "-", f"{r.wall_s:.1f}"] for r in rows]
    return _columns([head, *body])


def _cell(value: object) -> str:
    return "-" if value is None else f"{value}"


def capacity_table(steps: Sequence[CapacityRow], lang: Lang = "en") -> str:
    """One line a step: offered and delivered orders/s, p99, dropped arrivals, verdict."""
    head = [CAPACITY[k].say(lang) for k in ("offered", "delivered", "p99", "dropped")]
    body = [[f"{s.rate:g}", _cell(s.orders_per_s), _cell(s.delivery_p99_s),
             _cell(s.dropped_arrivals)] for s in steps]
    figures = _columns([head, *body], right=True).splitlines()
    verdicts = [CAPACITY["verdict"].say(lang), "-" * width(CAPACITY["verdict"].say(lang))]
    verdicts += [verdict_word(s.verdict, lang) + (f" ({', '.join(s.failed)})" if s.failed
                                                  else "") for s in steps]
    return "\n".join(f"{f}  {v}" for f, v in zip(figures, verdicts, strict=True))


def capacity_conclusion(steps: Sequence[CapacityRow], rates: Sequence[float],
                        lang: Lang = "en") -> str:
    """The highest rate that passed, and where (and how) the next step broke."""
    passed = [s.rate for s in steps if s.verdict == "pass"]
    broke = next((s for s in steps if s.verdict != "pass"), None)
    head = (CAPACITY["head"].say(lang, rate=f"{passed[-1]:g}") if passed
            else CAPACITY["below"].say(lang))
    if broke is None:
        return head + CAPACITY["held"].say(lang, rate=f"{rates[-1]:g}")
    if broke.verdict == "fail":
        return head + CAPACITY["broke"].say(lang, rate=f"{broke.rate:g}")
    return head + CAPACITY["other"].say(lang, rate=f"{broke.rate:g}",
                                        verdict=verdict_word(broke.verdict, lang))
