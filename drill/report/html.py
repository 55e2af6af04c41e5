# ruff: noqa: E501  (the inline HTML/CSS template reads better unwrapped)
"""report.html: one self-contained page (inline CSS + inline SVG, no CDN) for humans.

Verdict first, then checks with their example orders, thresholds, metrics,
charts and faults. Renders whatever exists: a partial run folder yields a
partial page that says what is missing.
"""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, select_autoescape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>faka-drill {{ s.run_id }} — {{ s.verdict }}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1080px;color:#1f2328}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #d0d7de}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown,.inconclusive{background:#9a6700}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa} code,pre{font:12px ui-monospace,monospace} pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}
details{margin:4px 0} .muted{color:#656d76} .warn{background:#fff8c5;padding:8px;border:1px solid #d4a72c}
</style></head><body>
<h1>{{ s.title or s.scenario or "run" }} <span class="badge {{ s.verdict }}">{{ s.verdict|upper }}</span></h1>
<div class="muted">run {{ s.run_id }} · seed {{ s.seed }} · time_scale {{ s.time_scale }} · db {{ s.db }}
 · wall {{ s.wall_s }} s{% if s.defects %} · defects {{ s.defects|join(", ") }}{% endif %}
 · toxiproxy {{ (s.toxiproxy or {}).get("kind", "?") }} {{ (s.toxiproxy or {}).get("version", "") }}</div>
{% if s.interrupted or s.missing or s.collect_errors or s.inconclusive %}<p class="warn">
{% if s.interrupted %}<b>Interrupted run.</b> {% endif %}
{% for r in s.inconclusive or [] %}<br>inconclusive: {{ r }}{% endfor %}
{% if s.missing %}Missing: {{ s.missing|join(", ") }}. {% endif %}
{% for k, v in s.collect_errors.items() %}<br>collect {{ k }}: {{ v }}{% endfor %}</p>{% endif %}

<h2>Checks</h2>
<table><tr><th>check</th><th>result</th><th>detail</th></tr>
{% for c in s.checks %}<tr><td><code>{{ c.id }}</code></td><td><span class="badge {{ c.status }}">{{ c.status }}</span></td>
<td>{{ c.detail }}
{% if c.examples %}<details><summary>{{ c.examples|length }} example(s)</summary>
{% for e in c.examples %}<details><summary><code>{{ e.order_no or e.rule or "example" }}</code> — {{ e.reason or "" }}</summary>
<pre>{{ e|tojson_pretty }}</pre></details>{% endfor %}</details>{% endif %}
{% if c.counts %}<details><summary>counts</summary><pre>{{ c.counts|tojson_pretty }}</pre></details>{% endif %}
</td></tr>{% endfor %}</table>

{% if s.thresholds %}<h2>Thresholds</h2><ul>{% for t in s.thresholds %}<li><code>{{ t }}</code></li>{% endfor %}</ul>{% endif %}

<h2>Metrics</h2><table>{% for k, v in s.metrics.items() %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>

{% if charts.throughput %}<h2>Orders/s and delivery latency</h2>{{ charts.throughput|safe }}{% endif %}
{% if charts.states %}<h2>Orders by state</h2>{{ charts.states|safe }}{% endif %}
{% if charts.suppliers %}<h2>Supplier calls by outcome</h2>{{ charts.suppliers|safe }}{% endif %}
{% if charts.alerts %}<h2>Alerts and faults on the timeline</h2>{{ charts.alerts|safe }}{% endif %}
{% if not (charts.throughput or charts.states) %}<p class="muted">No order data to chart.</p>{% endif %}

<h2>Faults</h2>
{% if s.faults %}<table><tr><th>fault</th><th>kind</th><th>target</th><th>injected</th><th>healed</th><th>ok</th></tr>
{% for f in s.faults %}<tr><td>{{ f.fault_id }}</td><td>{{ f.kind }}</td><td>{{ f.target }}</td>
<td>{{ f.start|ts }}</td><td>{{ f.end|ts }}</td><td>{{ f.ok }}{% if f.errors %} {{ f.errors|join("; ") }}{% endif %}</td></tr>{% endfor %}</table>
{% else %}<p class="muted">No faults injected.</p>{% endif %}

{% if s.unplanned_exits %}<h2>Unplanned exits</h2>
{% for e in s.unplanned_exits %}<p class="warn"><b>{{ e.component }}</b> ({{ e.role }}) exited with code {{ e.exit_code }} at {{ e.at|ts }} and no fault planned it.</p>
<pre>{{ e.log_tail }}</pre>{% endfor %}{% endif %}

{% if s.harness %}<h2>Harness load</h2>
<p class="muted">CPU during the load as a share of one core, sampled every {{ s.harness.interval_s }} s over {{ s.harness.wall_s }} s;
the box at {{ "%.0f"|format(100 * s.harness.box_cpu_p90) }} % of its {{ s.harness.cores }} cores (p90); measuring cost {{ s.harness.sampler_cpu_s }} s of CPU.
The shop's processes are shown for comparison: only a saturated harness or box excuses a failed speed check.</p>
{% for name, lag in ((s.harness.extra or {}).healthz_ms or {}).items() %}<p class="muted">{{ name }} /healthz round trip (event-loop lag): p50 {{ lag.p50 }} ms, p90 {{ lag.p90 }} ms, max {{ lag.max }} ms over {{ lag.samples }} probes</p>{% endfor %}
{% for r in s.harness.saturated %}<p class="warn">{{ r }}</p>{% endfor %}
<table><tr><th>component</th><th>role</th><th>mean</th><th>p90</th><th>max</th><th>processes</th><th>samples</th></tr>
{% for role, comps in (("harness", s.harness.components), ("shop", s.harness.shop)) %}{% for c in comps %}
<tr><td>{{ c.name }}</td><td>{{ role }}</td><td>{{ pct(c.cpu_mean) }}</td><td>{{ pct(c.cpu_p90) }}</td><td>{{ pct(c.cpu_max) }}</td><td>{{ c.processes }}</td><td>{{ c.samples }}</td></tr>
{% endfor %}{% endfor %}</table>{% endif %}

{% if s.load %}<h2>Load</h2><pre>{{ s.load|tojson_pretty }}</pre>{% endif %}
{% if s.errors %}<h2>Errors</h2><pre>{{ s.errors|tojson_pretty }}</pre>{% endif %}
</body></html>
"""


def _ts(value: Any) -> str:
    if value is None:
        return "—"
    import datetime as dt

    return dt.datetime.fromtimestamp(float(value)).strftime("%H:%M:%S.%f")[:-3]


def render_html(summary: dict[str, Any], charts: dict[str, str]) -> str:
    env = Environment(autoescape=select_autoescape(default=True))
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, ensure_ascii=False,
                                                        default=str)
    env.filters["ts"] = _ts
    return env.from_string(_TEMPLATE).render(s=summary, charts=charts,
                                             pct=lambda v: f"{100 * float(v):.0f} %")
