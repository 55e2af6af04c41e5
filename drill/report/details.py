"""A check's detail and its examples' reasons in the report's language.

summary.json keeps the English `detail` / `reason` (tests and trends read them) and, beside
them, the language-neutral `detail_msg` / `reason_msg` (drill.checks.said); a summary
written before those existed, or a message the catalogue cannot say, falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drill.checks.said import render
from drill.i18n import Lang

__all__ = ["localised_checks", "say_detail", "say_example"]


def _say(msg: Any, english: Any, lang: Lang) -> str:
    if lang == "en" or not isinstance(msg, Mapping) or "key" not in msg:
        return "" if english is None else str(english)
    try:
        return render(dict(msg), lang)
    except (KeyError, ValueError, TypeError, IndexError):
        return "" if english is None else str(english)


def say_detail(check: Mapping[str, Any], lang: Lang) -> str:
    return _say(check.get("detail_msg"), check.get("detail"), lang)


def say_example(example: Mapping[str, Any], lang: Lang) -> str:
    return _say(example.get("reason_msg"), example.get("reason"), lang)


def localised_checks(checks: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """Copies of summary checks whose `detail` and example `reason` speak `lang`."""
    out = []
    for c in checks:
        examples = [{**e, "reason": say_example(e, lang)} if isinstance(e, Mapping) else e
                    for e in c.get("examples") or []]
        out.append({**c, "detail": say_detail(c, lang), "examples": examples})
    return out
