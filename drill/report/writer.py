"""Write an `Analysis` into its run folder: summary.json, junit.xml, report.html."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from drill.i18n import Lang
from drill.report.charts import chart_lang, render_charts
from drill.report.html import render_html
from drill.report.junit import write_junit

if TYPE_CHECKING:
    from drill.analyze import Analysis


def write_reports(run_dir: Path, analysis: Analysis, lang: Lang = "en") -> Path:
    """Write the three reports of `analysis`, the human parts in `lang`; return report.html.
    summary.json stays language-neutral and records `lang`."""
    run_dir.mkdir(parents=True, exist_ok=True)
    summary = {**analysis.summary, "lang": lang}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False,
                                                     default=str), encoding="utf-8")
    write_junit(run_dir / "junit.xml", summary, lang)
    out = run_dir / "report.html"
    out.write_text(render_html(summary, _charts(run_dir, analysis, lang), lang),
                   encoding="utf-8")
    return out


def _charts(run_dir: Path, analysis: Analysis, lang: Lang) -> dict[str, str]:
    """The analysis's charts (drawn in English), drawn again in `lang` when it is another
    language matplotlib has a font for; a redraw that fails keeps the English ones."""
    if chart_lang(lang) == "en" or not analysis.charts:
        return analysis.charts
    from drill.checks.sources import load_sources

    try:
        charts, errors = render_charts(load_sources(run_dir), lang)
    except Exception:
        return analysis.charts
    return analysis.charts if errors else charts
