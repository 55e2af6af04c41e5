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

from drill.report.charts import svg_of
from drill.report.trends import INDEX_NAME, append_index, git_revision, index_record, read_index

__all__ = ["record_run", "render_index", "trend_chart", "write_index_page"]

ROOT = Path(__file__).resolve().parents[2]

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faka-drill runs</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#1f2328}
h1{font-size:22px} h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown,.inconclusive{background:#9a6700}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:3px 7px;text-align:left}
th{background:#f6f8fa} .muted{color:#656d76} code{font:12px ui-monospace,monospace}
</style></head><body>
<h1>faka-drill runs <span class="muted">{{ runs|length }} in reports/index.jsonl</span></h1>
{% for name, svg in charts %}<h2>{{ name }}</h2>{{ svg|safe }}{% endfor %}
<h2>Every run</h2>
<table><tr><th>started</th><th>scenario</th><th>seed</th><th>verdict</th><th>p99 paid→delivered</th>
<th>delivered/s</th><th>error rate</th><th>defects</th><th>revision</th></tr>
{% for r in runs %}<tr><td><a href="{{ r.run_dir }}/report.html">{{ when(r.started_at) }}</a></td>
<td>{{ r.scenario }}</td><td>{{ r.seed }}</td><td><span class="badge {{ r.verdict }}">{{ r.verdict }}</span></td>
<td>{{ fmt(r.metrics.delivery_p99_s, " s") }}</td><td>{{ fmt(r.metrics.orders_per_s, "") }}</td>
<td>{{ fmt(r.metrics.error_rate, "") }}</td><td>{{ (r.defects or [])|join(", ") }}</td><td><code>{{ r.git_revision or "" }}</code></td></tr>
{% endfor %}</table></body></html>"""


def _when(ts: Any) -> str:
    if not isinstance(ts, int | float):
        return "?"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _fmt(value: Any, unit: str) -> str:
    return f"{value:g}{unit}" if isinstance(value, int | float) else "–"


def trend_chart(scenario: str, runs: Sequence[Mapping[str, Any]]) -> str:
    """p99 and delivered orders/s of one scenario's runs in order; '' with fewer than 2."""
    if len(runs) < 2:
        return ""
    xs = list(range(1, len(runs) + 1))
    p99 = [r.get("metrics", {}).get("delivery_p99_s") for r in runs]
    rate = [r.get("metrics", {}).get("orders_per_s") for r in runs]
    fig = Figure(figsize=(9, 2.6))
    ax = fig.add_subplot()
    ax.plot([x for x, y in zip(xs, p99, strict=True) if y is not None],
            [y for y in p99 if y is not None], "o-", color="#cf222e", label="p99 paid→delivered (s)")
    for x, r in zip(xs, runs, strict=True):
        if r.get("verdict") == "fail":
            ax.axvline(x, color="#f4b6b6", zorder=0)
    ax.set_xlabel(f"{scenario}: run number (red line: failed run)")
    ax.set_ylabel("seconds")
    ax2 = ax.twinx()
    ax2.plot([x for x, y in zip(xs, rate, strict=True) if y is not None],
             [y for y in rate if y is not None], "s--", color="#1f6feb", label="delivered orders/s")
    ax2.set_ylabel("orders/s")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=8)
    return svg_of(fig)


def render_index(records: Sequence[Mapping[str, Any]]) -> str:
    by_scenario: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        if not r.get("defects"):               # zoo runs are listed, not drawn in a trend
            by_scenario[str(r.get("scenario"))].append(r)
    charts = [(name, svg) for name, runs in sorted(by_scenario.items())
              if (svg := trend_chart(name, runs))]
    env = Environment(autoescape=select_autoescape(default=True))
    template = env.from_string(_TEMPLATE)
    return template.render(runs=list(reversed(records)), charts=charts, when=_when, fmt=_fmt)


def write_index_page(reports_dir: Path) -> Path:
    """Re-render reports/index.html from reports/index.jsonl."""
    out = reports_dir / "index.html"
    out.write_text(render_index(read_index(reports_dir)), encoding="utf-8")
    return out


def record_run(reports_dir: Path, run_dir: Path, summary: Mapping[str, Any]) -> list[str]:
    """Append a judged run's line to index.jsonl and re-render index.html. A trend is a
    by-product: a problem is returned as a message for the run's errors, never raised."""
    try:
        append_index(reports_dir, index_record(summary, run_dir, git_revision(ROOT)))
        write_index_page(reports_dir)
    except Exception as exc:
        return [f"cannot update {reports_dir / INDEX_NAME} or index.html: {exc!r}"]
    return []
