"""Inline SVG charts for report.html, drawn with matplotlib's object API (no pyplot state).

Each function returns an `<svg ...>` string (no XML prolog) or "" when there is
nothing to draw, so the HTML stays one self-contained file.
"""

from __future__ import annotations

import functools
import io
import itertools
from pathlib import Path
from typing import Any

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure

from drill.checks.sources import Sources
from drill.i18n import Lang
from drill.report.timeline import Timeline, build_timeline
from drill.report.words import CHART

FAULT_COLOUR = "#f4b6b6"
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "AR PL UMing CN", "Droid Sans Fallback")


FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts")
CJK_FILES = ("wqy", "cjk", "droidsansfallback", "sourcehansans", "uming")


def _font_files(limit: int = 5000) -> list[Path]:
    """Font files (.ttf .ttc .otf) under the usual Linux font folders, at most `limit`."""
    out: list[Path] = []
    for root in FONT_DIRS:
        if root.is_dir():
            for path in itertools.islice(root.rglob("*"), limit):
                if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
                    out.append(path)
    return out[:limit]


@functools.cache
def cjk_font() -> str | None:
    """The first installed font matplotlib can draw Chinese with (None: none installed).
    matplotlib's font cache may predate the font (installed by the test setup), so the
    system's font files that look Chinese are added once before giving up."""
    fm = font_manager.fontManager
    found = next((n for n in CJK_FONTS if n in {f.name for f in fm.ttflist}), None)
    if found is not None:
        return found
    for path in _font_files():
        if any(hint in path.name.lower().replace("-", "").replace("_", "") for hint in CJK_FILES):
            try:
                fm.addfont(str(path))
            except (OSError, RuntimeError, ValueError):
                continue
    return next((n for n in CJK_FONTS if n in {f.name for f in fm.ttflist}), None)


def svg_of(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _say(lang: Lang, key: str) -> str:
    return CHART[key].say(lang)


def _shade(ax: Any, tl: Timeline, lang: Lang) -> None:
    end = tl.bins[-1] + tl.bin_s if tl.bins else 0.0
    for i, w in enumerate(tl.faults):
        ax.axvspan(w["start"], w["end"] if w["end"] is not None else end, color=FAULT_COLOUR,
                   alpha=0.5, label=_say(lang, "fault") if i == 0 else None)


def throughput_latency(tl: Timeline, lang: Lang = "en") -> str:
    if tl.empty:
        return ""
    fig = Figure(figsize=(9, 3.2))
    ax = fig.add_subplot()
    _shade(ax, tl, lang)
    ax.plot(tl.bins, tl.delivered_per_s, color="#1f6feb", label=_say(lang, "delivered_s"))
    ax.set_xlabel(_say(lang, "since"))
    ax.set_ylabel(_say(lang, "orders_s"))
    ax2 = ax.twinx()
    xs50 = [(x, y) for x, y in zip(tl.bins, tl.p50_s, strict=True) if y is not None]
    xs99 = [(x, y) for x, y in zip(tl.bins, tl.p99_s, strict=True) if y is not None]
    if xs50:
        ax2.plot(*zip(*xs50, strict=True), color="#2da44e", label=_say(lang, "p50"))
    if xs99:
        ax2.plot(*zip(*xs99, strict=True), color="#cf222e", label=_say(lang, "p99"))
    ax2.set_ylabel(_say(lang, "seconds"))
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


def states(tl: Timeline, lang: Lang = "en") -> str:
    if tl.empty:
        return ""
    fig = Figure(figsize=(9, 2.8))
    ax = fig.add_subplot()
    _shade(ax, tl, lang)
    for name, colour in (("created", "#8250df"), ("paid", "#bf8700"), ("delivered", "#1a7f37")):
        ax.plot(tl.bins, tl.cumulative.get(name, []), label=_say(lang, name), color=colour)
    ax.set_xlabel(_say(lang, "since"))
    ax.set_ylabel(_say(lang, "cumulative"))
    _legend(ax, "upper left")
    return svg_of(fig)


def supplier_outcomes(tl: Timeline, lang: Lang = "en") -> str:
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
    ax.set_xlabel(_say(lang, "calls"))
    _legend(ax, "lower right")
    return svg_of(fig)


def alerts(tl: Timeline, lang: Lang = "en") -> str:
    if not tl.alerts and not tl.faults:
        return ""
    rules = sorted(tl.alerts)
    fig = Figure(figsize=(9, 0.6 + 0.35 * max(1, len(rules))))
    ax = fig.add_subplot()
    _shade(ax, tl, lang)
    for i, rule in enumerate(rules):
        ax.scatter(tl.alerts[rule], [i] * len(tl.alerts[rule]), marker="|", s=200)
    ax.set_yticks(range(len(rules)), rules)
    ax.set_xlim(0, (tl.bins[-1] + tl.bin_s) if tl.bins else None)
    ax.set_xlabel(_say(lang, "alerts_x"))
    return svg_of(fig)


def chart_lang(lang: Lang) -> Lang:
    """The language the charts can be drawn in: Chinese needs a CJK font for matplotlib
    (without one the labels stay English rather than turn into empty boxes)."""
    return "zh" if lang == "zh" and cjk_font() else "en"


def render_charts(src: Sources, lang: Lang = "en") -> tuple[dict[str, str], list[str]]:
    """Every chart of the report, and the errors of those that could not be drawn."""
    lang = chart_lang(lang)
    cjk = cjk_font()
    try:
        tl = build_timeline(src)
        with rc_context({"font.family": [cjk, "DejaVu Sans"]} if lang == "zh" and cjk
                        else None):
            return {"throughput": throughput_latency(tl, lang), "states": states(tl, lang),
                    "suppliers": supplier_outcomes(tl, lang), "alerts": alerts(tl, lang)}, []
    except Exception as exc:
        return {}, [f"charts failed: {exc!r}"]
