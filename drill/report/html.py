# ruff: noqa: E501  (the inline HTML/CSS template reads better unwrapped)
"""report.html: one self-contained page (inline CSS + inline SVG, no CDN) for humans.

Verdict first, then checks (title, what each guards, example orders),
thresholds, metrics, the per-request table, charts and faults, in the chosen
language (drill.report.words; ids and figures stay as they are). Renders
whatever exists: a partial run folder yields a partial page that says what is
missing.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, select_autoescape

from drill.checks.titles import title_of
from drill.i18n import Lang
from drill.report.details import localised_checks
from drill.report.reasons import say_reason
from drill.report.words import verdict_word, words

_TEMPLATE = """<!doctype html>
<html lang="{{ html_lang }}"><head><meta charset="utf-8">
<title>faka-drill {{ s.run_id }} — {{ verdict(s.verdict) }}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1080px;color:#1f2328}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600;white-space:nowrap}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown,.inconclusive{background:#9a6700}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} code,pre{font:12px ui-monospace,monospace} pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}
table.num td+td,table.num th+th{text-align:right} tr.total td{font-weight:600}
details{margin:4px 0} .muted{color:#656d76} .warn{background:#fff8c5;padding:8px;border:1px solid #d4a72c}
</style></head><body>
<h1>{{ s.title or s.scenario or w.untitled }} <span class="badge {{ s.verdict }}">{{ verdict(s.verdict) }}</span></h1>
<div class="muted">{{ w.run }} {{ s.run_id }} · {{ w.seed }} {{ s.seed }} · {{ w.time_scale }} {{ s.time_scale }} · {{ w.db }} {{ s.db }}
 · {{ w.wall }} {{ s.wall_s }} s{% if s.defects %} · {{ w.defects }} {{ s.defects|join(", ") }}{% endif %}
 · toxiproxy {{ (s.toxiproxy or {}).get("kind", "?") }} {{ (s.toxiproxy or {}).get("version", "") }}</div>
{% if s.interrupted or s.missing or s.collect_errors or s.inconclusive %}<p class="warn">
{% if s.interrupted %}<b>{{ w.interrupted }}</b> {% endif %}
{% for r in s.inconclusive or [] %}<br>{{ w.inconclusive }} {{ reason(r) }}{% endfor %}
{% if s.missing %}{{ w.missing }} {{ s.missing|join(", ") }}. {% endif %}
{% for k, v in s.collect_errors.items() %}<br>{{ w.collect }} {{ k }}: {{ v }}{% endfor %}</p>{% endif %}

<h2>{{ w.checks }}</h2>
<table><tr><th>{{ w.check }}</th><th>{{ w.result }}</th><th>{{ w.detail }}</th></tr>
{% for c in s.checks %}{% set t = title(c.id) %}<tr><td><b>{{ t[0] }}</b><br><code>{{ c.id }}</code>{% if t[1] %}<div class="muted">{{ t[1] }}</div>{% endif %}</td>
<td><span class="badge {{ c.status }}">{{ verdict(c.status) }}</span></td>
<td>{{ c.detail }}
{% if c.examples %}<details><summary>{{ c.examples|length }} {{ w.examples }}</summary>
{% for e in c.examples %}<details><summary><code>{{ e.order_no or e.rule or w.example }}</code> — {{ e.reason or "" }}</summary>
<pre>{{ e|tojson_pretty }}</pre></details>{% endfor %}</details>{% endif %}
{% if c.counts %}<details><summary>{{ w.counts }}</summary><pre>{{ c.counts|tojson_pretty }}</pre></details>{% endif %}
</td></tr>{% endfor %}</table>

{% if s.thresholds %}<h2>{{ w.thresholds }}</h2><ul>{% for t in s.thresholds %}<li><code>{{ t }}</code></li>{% endfor %}</ul>{% endif %}

<h2>{{ w.metrics }}</h2><table>{% for k, v in s.metrics.items() %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>

{% if s.requests %}<h2>{{ w.requests_h }}</h2><p class="muted">{{ w.requests_note }}</p>
<table class="num"><tr><th>{{ w.name }}</th><th>{{ w.requests }}</th><th>{{ w.failures }}</th><th>{{ w.failure_pct }}</th><th>p50 (ms)</th><th>p95 (ms)</th><th>p99 (ms)</th><th>{{ w.max }} (ms)</th><th>{{ w.rps }}</th></tr>
{% for r in s.requests %}<tr{% if r.name == "total" %} class="total"{% endif %}><td>{% if r.name == "total" %}{{ w.total }}{% else %}<code>{{ r.name }}</code>{% endif %}</td>
<td>{{ r.requests }}</td><td>{{ r.failures }}</td><td>{{ "%.2f"|format(r.failure_pct) }} %</td><td>{{ num(r.p50_ms) }}</td><td>{{ num(r.p95_ms) }}</td><td>{{ num(r.p99_ms) }}</td><td>{{ num(r.max_ms) }}</td><td>{{ num(r.rps) }}</td></tr>{% endfor %}</table>{% endif %}

{% if charts.throughput %}<h2>{{ w.chart_throughput }}</h2>{{ charts.throughput|safe }}{% endif %}
{% if charts.states %}<h2>{{ w.chart_states }}</h2>{{ charts.states|safe }}{% endif %}
{% if charts.suppliers %}<h2>{{ w.chart_suppliers }}</h2>{{ charts.suppliers|safe }}{% endif %}
{% if charts.alerts %}<h2>{{ w.chart_alerts }}</h2>{{ charts.alerts|safe }}{% endif %}
{% if not (charts.throughput or charts.states) %}<p class="muted">{{ w.no_chart }}</p>{% endif %}

<h2>{{ w.faults }}</h2>
{% if s.faults %}<table><tr><th>{{ w.fault }}</th><th>{{ w.kind }}</th><th>{{ w.target }}</th><th>{{ w.injected }}</th><th>{{ w.healed }}</th><th>{{ w.ok }}</th></tr>
{% for f in s.faults %}<tr><td>{{ f.fault_id }}</td><td>{{ f.kind }}</td><td>{{ f.target }}</td>
<td>{{ f.start|ts }}</td><td>{{ f.end|ts }}</td><td>{{ w.yes if f.ok else w.no }}{% if f.errors %} {{ f.errors|join("; ") }}{% endif %}</td></tr>{% endfor %}</table>
{% else %}<p class="muted">{{ w.no_faults }}</p>{% endif %}

{% if s.unplanned_exits %}<h2>{{ w.exits }}</h2>
{% for e in s.unplanned_exits %}<p class="warn"><b>{{ e.component }}</b> {{ w.exit_line.format(role=e.role, code=e.exit_code, at=e.at|ts) }}</p>
<pre>{{ e.log_tail }}</pre>{% endfor %}{% endif %}

{% if s.harness %}<h2>{{ w.harness }}</h2>
<p class="muted">{{ w.harness_line.format(interval=s.harness.interval_s, wall=s.harness.wall_s, box="%.0f"|format(100 * s.harness.box_cpu_p90), cores=s.harness.cores, cost=s.harness.sampler_cpu_s) }}</p>
{% for name, lag in ((s.harness.extra or {}).healthz_ms or {}).items() %}<p class="muted">{{ w.lag_line.format(name=name, p50=lag.p50, p90=lag.p90, max=lag.max, n=lag.samples) }}</p>{% endfor %}
{% for r in s.harness.saturated %}<p class="warn">{{ reason(r) }}</p>{% endfor %}
<table><tr><th>{{ w.component }}</th><th>{{ w.role }}</th><th>{{ w.mean }}</th><th>p90</th><th>{{ w.max }}</th><th>{{ w.processes }}</th><th>{{ w.samples }}</th></tr>
{% for role, comps in ((w.role_harness, s.harness.components), (w.role_shop, s.harness.shop)) %}{% for c in comps %}
<tr><td>{{ c.name }}</td><td>{{ role }}</td><td>{{ pct(c.cpu_mean) }}</td><td>{{ pct(c.cpu_p90) }}</td><td>{{ pct(c.cpu_max) }}</td><td>{{ c.processes }}</td><td>{{ c.samples }}</td></tr>
{% endfor %}{% endfor %}</table>{% endif %}

{% set plan = load_scalars(s.load) %}{% if plan %}<h2>{{ w.load_plan }}</h2><table>{% for k, v in plan %}<tr><th>{{ k }}</th><td>{{ v|ts if k.endswith("_at") else v }}</td></tr>{% endfor %}</table>{% endif %}
{% if s.errors %}<h2>{{ w.errors }}</h2><pre>{{ s.errors|tojson_pretty }}</pre>{% endif %}
</body></html>
"""


def _ts(value: Any) -> str:
    if value is None:
        return "—"
    import datetime as dt

    return dt.datetime.fromtimestamp(float(value)).strftime("%H:%M:%S.%f")[:-3]


def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):g}"


def _load_scalars(load: Any) -> list[tuple[str, Any]]:
    """The load's plain figures (arrivals, drops, shape); the per-request table has the rest."""
    items = load.items() if isinstance(load, dict) else ()
    return [(k, v) for k, v in items if isinstance(v, str | int | float | bool) or v is None]


def render_html(summary: dict[str, Any], charts: dict[str, str], lang: Lang = "en") -> str:
    env = Environment(autoescape=select_autoescape(default=True))
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, ensure_ascii=False,
                                                        default=str)
    env.filters["ts"] = _ts
    summary = {**summary, "checks": localised_checks(list(summary.get("checks") or []), lang)}
    return env.from_string(_TEMPLATE).render(
        s=summary, charts=charts, w=words(lang), html_lang="zh-CN" if lang == "zh" else "en",
        verdict=lambda v: verdict_word(str(v), lang), reason=lambda r: say_reason(str(r), lang),
        title=lambda cid: title_of(str(cid), lang), num=_num, load_scalars=_load_scalars,
        pct=lambda v: f"{100 * float(v):.0f} %")
