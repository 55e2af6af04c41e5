# ruff: noqa: E501  (the inline HTML/CSS template reads better unwrapped)
"""reports/index.html: every run in the index, newest first, and a trend chart per scenario.

Offline and self-contained (inline CSS and SVG), so a nightly job can publish
the reports folder as it is. Charts reuse report.html's matplotlib SVG helper.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from matplotlib.figure import Figure

from drill.i18n import LANGS, Lang, choose_lang
from drill.report.charts import cjk_font, svg_of
from drill.report.trends import INDEX_NAME, append_index, git_revision, index_record, read_index
from drill.report.words import INDEX, verdict_word

__all__ = ["record_run", "render_index", "trend_chart", "write_index_page"]

ROOT = Path(__file__).resolve().parents[2]

_TEMPLATE = """<!doctype html>
<html lang="{{ html_lang }}"><head><meta charset="utf-8"><title>{{ w.title }}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#1f2328}
h1{font-size:22px} h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown,.inconclusive{background:#9a6700}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:3px 7px;text-align:left}
th{background:#f6f8fa} .muted{color:#656d76} code{font:12px ui-monospace,monospace}
</style></head><body>
<h1>{{ w.title }} <span class="muted">{{ count }}</span></h1>
{% for name, svg in charts %}<h2>{{ name }}</h2>{{ svg|safe }}{% endfor %}
<h2>{{ w.every }}</h2>
<table><tr><th>{{ w.started }}</th><th>{{ w.scenario }}</th><th>{{ w.seed }}</th><th>{{ w.verdict }}</th><th>{{ w.p99 }}</th>
<th>{{ w.rate }}</th><th>{{ w.errors }}</th><th>{{ w.defects }}</th><th>{{ w.revision }}</th></tr>
{% for r in runs %}<tr><td><a href="{{ r.run_dir }}/report.html">{{ when(r.started_at) }}</a></td>
<td>{{ r.scenario }}</td><td>{{ r.seed }}</td><td><span class="badge {{ r.verdict }}">{{ verdict(r.verdict) }}</span></td>
<td>{{ fmt(r.metrics.delivery_p99_s, " s") }}</td><td>{{ fmt(r.metrics.orders_per_s, "") }}</td>
<td>{{ fmt(r.metrics.error_rate, "") }}</td><td>{{ (r.defects or [])|join(", ") }}</td><td><code>{{ r.git_revision or "" }}</code></td></tr>
{% endfor %}</table></body></html>"""


def _when(ts: Any) -> str:
    if not isinstance(ts, int | float):
        return "?"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _font(lang: Lang) -> dict[str, Any]:
    font = cjk_font() if lang == "zh" else None
    return {"fontfamily": font} if font else {}


def _fmt(value: Any, unit: str) -> str:
    return f"{value:g}{unit}" if isinstance(value, int | float) else "–"


def trend_chart(scenario: str, runs: Sequence[Mapping[str, Any]], lang: Lang = "en") -> str:
    """p99 and delivered orders/s of one scenario's runs in order; '' with fewer than 2.
    Chinese labels need a CJK font for matplotlib (`cjk_font`); without one they stay
    English rather than turn into empty boxes."""
    lang = lang if lang == "en" or cjk_font() else "en"
    if len(runs) < 2:
        return ""
    xs = list(range(1, len(runs) + 1))
    p99 = [r.get("metrics", {}).get("delivery_p99_s") for r in runs]
    rate = [r.get("metrics", {}).get("orders_per_s") for r in runs]
    fig = Figure(figsize=(9, 2.6))
    ax = fig.add_subplot()
    ax.plot([x for x, y in zip(xs, p99, strict=True) if y is not None],
            [y for y in p99 if y is not None], "o-", color="#cf222e",
            label=INDEX["legend_p99"].say(lang))
    for x, r in zip(xs, runs, strict=True):
        if r.get("verdict") == "fail":
            ax.axvline(x, color="#f4b6b6", zorder=0)
    ax.set_xlabel(INDEX["axis_x"].say(lang, scenario=scenario), **_font(lang))
    ax.set_ylabel(INDEX["axis_s"].say(lang), **_font(lang))
    ax2 = ax.twinx()
    ax2.plot([x for x, y in zip(xs, rate, strict=True) if y is not None],
             [y for y in rate if y is not None], "s--", color="#1f6feb",
             label=INDEX["legend_rate"].say(lang))
    ax2.set_ylabel(INDEX["axis_rate"].say(lang), **_font(lang))
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=8,
                  prop={"family": cjk_font() or "sans-serif", "size": 8})
    return svg_of(fig)


def render_index(records: Sequence[Mapping[str, Any]], lang: Lang = "en") -> str:
    by_scenario: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        if not r.get("defects"):               # zoo runs are listed, not drawn in a trend
            by_scenario[str(r.get("scenario"))].append(r)
    charts = [(name, svg) for name, runs in sorted(by_scenario.items())
              if (svg := trend_chart(name, runs, lang))]
    env = Environment(autoescape=select_autoescape(default=True))
    template = env.from_string(_TEMPLATE)
    return template.render(runs=list(reversed(records)), charts=charts, when=_when, fmt=_fmt,
                           w={k: v.say(lang) for k, v in INDEX.items()},
                           count=INDEX["count"].say(lang, n=len(records)),
                           verdict=lambda v: verdict_word(str(v), lang),
                           html_lang="zh-CN" if lang == "zh" else "en")


def write_index_page(reports_dir: Path, lang: Lang | None = None) -> Path:
    """Re-render reports/index.html from reports/index.jsonl (None: the locale's language)."""
    out = reports_dir / "index.html"
    out.write_text(render_index(read_index(reports_dir), lang or choose_lang(None)),
                   encoding="utf-8")
    return out


def record_run(reports_dir: Path, run_dir: Path, summary: Mapping[str, Any],
               lang: Lang | None = None) -> list[str]:
    """Append a judged run's line to index.jsonl and re-render index.html (in `lang`, else
    the run's own, else the locale's). A trend is a by-product: a problem is returned as a
    message for the run's errors, never raised."""
    try:
        append_index(reports_dir, index_record(summary, run_dir, git_revision(ROOT)))
        recorded = summary.get("lang")
        write_index_page(reports_dir, lang or (recorded if recorded in LANGS else None))
    except Exception as exc:
        return [f"cannot update {reports_dir / INDEX_NAME} or index.html: {exc!r}"]
    return []
