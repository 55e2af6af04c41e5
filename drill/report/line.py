"""The one console line that ends every judged run, in the operator's language.

`Analysis.line(lang)` calls it; zoo, suite, check and run print it. Never PASS
unless every check passed: the verdict word comes from drill.analyze.
"""

from __future__ import annotations

from collections.abc import Sequence

from drill.checks.verdict import Verdict
from drill.i18n import Lang
from drill.report.reasons import say_reason
from drill.report.words import CONSOLE, verdict_word

__all__ = ["verdict_line"]


def verdict_line(scenario: str, overall: str, verdicts: Sequence[Verdict],
                 reasons: Sequence[str], lang: Lang = "en") -> str:
    """E.g. 'FAIL smoke: 5 passed, 1 failed (no-loss), 0 unknown' / '失败 smoke：5 项通过，…'."""
    failed = [v.id for v in verdicts if v.ok is False]
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    text = CONSOLE["line"].say(
        lang, verdict=verdict_word(overall, lang), scenario=scenario,
        passed=sum(1 for v in verdicts if v.ok is True), failed=len(failed),
        which=f"{open_}{', '.join(failed)}{close}" if failed else "",
        unknown=sum(1 for v in verdicts if v.ok is None))
    if reasons:
        said = (say_reason(r.splitlines()[0], lang) for r in reasons)
        text += CONSOLE["line_reasons"].say(lang, reasons="; ".join(said))
    return text
