"""Inline SVG charts for report.html, drawn with matplotlib's object API (no pyplot state).

Each function returns an `<svg ...>` string (no XML prolog) or "" when there is
nothing to draw, so the HTML stays one self-contained file.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure

from drill.checks.sources import Sources
from drill.report.timeline import Timeline, build_timeline

FAULT_COLOUR = "#f4b6b6"


def svg_of(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _shade(ax: Any, tl: Timeline) -> None:
    end = tl.bins[-1] + tl.bin_s if tl.bins else 0.0
    for i, w in enumerate(tl.faults):
        ax.axvspan(w["start"], w["end"] if w["end"] is not None else end, color=FAULT_COLOUR,
                   alpha=0.5, label="fault" if i == 0 else None)


def throughput_latency(tl: Timeline) -> str:
    if tl.empty:
        return ""
    fig = Figure(figsize=(9, 3.2))
    ax = fig.add_subplot()
    _shade(ax, tl)
    ax.plot(tl.bins, tl.delivered_per_s, color="#1f6feb", label="delivered orders/s")
    ax.set_xlabel("seconds since load start")
    ax.set_ylabel("orders/s")
    ax2 = ax.twinx()
    xs50 = [(x, y) for x, y in zip(tl.bins, tl.p50_s, strict=True) if y is not None]
    xs99 = [(x, y) for x, y in zip(tl.bins, tl.p99_s, strict=True) if y is not None]
    if xs50:
        ax2.plot(*zip(*xs50, strict=True), color="#2da44e", label="p50 paid→delivered")
    if xs99:
        ax2.plot(*zip(*xs99, strict=True), color="#cf222e", label="p99 paid→delivered")
    ax2.set_ylabel("seconds")
    _legend(ax, "upper left", also=ax2)
    return svg_of(fig)


def _legend(ax: Any, loc: str, also: Any = None) -> None:
    """A legend only when something is labelled (matplotlib warns on an empty one)."""
    handles, labels = ax.get_legend_handles_labels()
    if also is not None:
        more = also.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    if labels:
        ax.legend(handles, labels, loc=loc, fontsize=8)


def states(tl: Timeline) -> str:
    if tl.empty:
        return ""
    fig = Figure(figsize=(9, 2.8))
    ax = fig.add_subplot()
    _shade(ax, tl)
    for name, colour in (("created", "#8250df"), ("paid", "#bf8700"), ("delivered", "#1a7f37")):
        ax.plot(tl.bins, tl.cumulative.get(name, []), label=name, color=colour)
    ax.set_xlabel("seconds since load start")
    ax.set_ylabel("orders (cumulative)")
    _legend(ax, "upper left")
    return svg_of(fig)


def supplier_outcomes(tl: Timeline) -> str:
    if not tl.supplier_outcomes:
        return ""
    outcomes = sorted({o for c in tl.supplier_outcomes.values() for o in c})
    names = sorted(tl.supplier_outcomes)
    fig = Figure(figsize=(9, 2.6))
    ax = fig.add_subplot()
    left = [0.0] * len(names)
    for outcome in outcomes:
        vals = [float(tl.supplier_outcomes[n].get(outcome, 0)) for n in names]
        ax.barh(names, vals, left=left, label=outcome)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_xlabel("supplier purchase calls")
    _legend(ax, "lower right")
    return svg_of(fig)


def alerts(tl: Timeline) -> str:
    if not tl.alerts and not tl.faults:
        return ""
    rules = sorted(tl.alerts)
    fig = Figure(figsize=(9, 0.6 + 0.35 * max(1, len(rules))))
    ax = fig.add_subplot()
    _shade(ax, tl)
    for i, rule in enumerate(rules):
        ax.scatter(tl.alerts[rule], [i] * len(tl.alerts[rule]), marker="|", s=200)
    ax.set_yticks(range(len(rules)), rules)
    ax.set_xlim(0, (tl.bins[-1] + tl.bin_s) if tl.bins else None)
    ax.set_xlabel("seconds since load start (alerts seen in the IM sink)")
    return svg_of(fig)


def render_charts(src: Sources) -> tuple[dict[str, str], list[str]]:
    """Every chart of the report, and the errors of those that could not be drawn."""
    try:
        tl = build_timeline(src)
        return {"throughput": throughput_latency(tl), "states": states(tl),
                "suppliers": supplier_outcomes(tl), "alerts": alerts(tl)}, []
    except Exception as exc:
        return {}, [f"charts failed: {exc!r}"]
