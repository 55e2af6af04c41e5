"""The scorecard written into the run folder: gameday.json, gameday.html (Chinese and
English, the chosen language first), gameday-junit.xml (one test case a runbook step;
an unknown step is a JUnit error, never a pass)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from drill.gameday.clock import mmss
from drill.gameday.facts import Record
from drill.gameday.scoring import Score, Step
from drill.gameday.text import LANGS, t

__all__ = ["happened", "timeline", "to_json", "write_scorecard"]

MAX_TIMELINE = 400


def _verdict(step: Step) -> str:
    return "unknown" if step.passed is None else "pass" if step.passed else "fail"


def happened(lang: str, step: Step) -> str:
    """What the record shows for a step, in words."""
    v = step.value
    if step.passed is None:
        return t(lang, "unknown")
    if "share" in v:
        text = t(lang, "share", ok=v["ok"], of=v["of"], pct=round(100 * v["share"]))
        if v.get("open"):
            text += t(lang, "open", n=v["open"])
        if v.get("after_s") is not None:
            text = f"{mmss(v['after_s'])} · {text}"
        return text
    if "count" in v:
        return t(lang, "count", n=v["count"])
    if v.get("after_s") is None:
        return t(lang, "never")
    return t(lang, "after", t=mmss(v["after_s"]))


def _deadline(step: Step) -> str:
    if step.id in ("duplicates", "blind_resends"):
        return "= 0"
    if step.id in ("told_share", "all_delivered", "coupons", "over_30"):
        return f"{mmss(step.deadline_s)}"
    return f"≤ {mmss(step.deadline_s)}"


def timeline(lang: str, rec: Record, ref: float) -> list[tuple[float, str]]:
    """Incident, faults, alerts, actions, complaints: (scenario s, text), oldest first."""
    items: list[tuple[float, str]] = [(rec.incident_s, t(lang, "ev.incident")),
                                      (ref, t(lang, "ref")), (rec.end_s, t(lang, "ev.end"))]
    items += [(at, f"{t(lang, 'ev.' + what)} {target}") for at, what, target in rec.faults
              if what in ("inject", "heal")]
    items += [(a.at_s, f"{t(lang, 'ev.alert')}: {a.text[:160]}") for a in rec.alerts]
    items += [(m.at_s, f"{t(lang, 'ev.complaint')} {m.order_no}") for m in rec.mails
              if m.kind == "complaint"]
    for a in rec.actions or ():
        what = a.page if a.action == "view" else a.action
        items.append((a.at_s, f"{a.operator}: {what} {a.order_no or ''} ({a.outcome})"))
    items.sort(key=lambda x: x[0])
    return items[:MAX_TIMELINE]


def to_json(plan: dict[str, Any], rec: Record, sc: Score) -> dict[str, Any]:
    return {
        "incident": plan["incident"]["name"], "speed": plan["speed"], "seed": plan["seed"],
        "cause": {"zh": plan["incident"]["cause_zh"], "en": plan["incident"]["cause_en"]},
        "grade": sc.grade, "full_marks": sc.full_marks, "unknown": list(sc.unknown),
        "reference_s": sc.reference_s, "incident_s": rec.incident_s, "end_s": rec.end_s,
        "ended_by": plan.get("ended_by"), "audit_log": rec.actions is not None,
        "target": plan.get("target"),
        "steps": [{"id": s.id, "passed": s.passed, "verdict": _verdict(s),
                   "deadline_s": s.deadline_s, "value": s.value, "orders": list(s.orders),
                   "title": {lg: t(lg, f"step.{s.id}") for lg in LANGS},
                   "happened": {lg: happened(lg, s) for lg in LANGS}} for s in sc.steps],
        "improve": {lg: [t(lg, f"improve.{s.id}") for s in sc.steps if s.passed is False]
                    for lg in LANGS},
        "timeline": [{"at_s": round(at, 1), "text": text}
                     for at, text in timeline("en", rec, sc.reference_s)],
    }


def _target(lang: str, plan: dict[str, Any]) -> str:
    """What a shop under --target-url means for the scoring (empty for the harness's own)."""
    target = plan.get("target")
    if not isinstance(target, dict):
        return ""
    e = html.escape
    out = f"<p class=target>{e(t(lang, 'target.line', url=target.get('url') or ''))}</p>"
    if target.get("not_applied"):
        out += (f"<p class=target>{e(t(lang, 'target.not_applied'))} "
                f"{e(', '.join(target['not_applied']))}</p>")
    return out


def _section(lang: str, plan: dict[str, Any], rec: Record, sc: Score) -> str:
    e = html.escape
    rows = "".join(
        f"<tr class={_verdict(s)}><td>{e(t(lang, 'step.' + s.id))}</td><td>{e(_deadline(s))}"
        f"</td><td>{e(happened(lang, s))}</td><td>{e(t(lang, _verdict(s)))}</td></tr>"
        for s in sc.steps)
    inc = plan["incident"]
    unknown = (f"<p class=unknown>{e(t(lang, 'unknown.why'))} "
               f"{e(', '.join(t(lang, 'step.' + u) for u in sc.unknown))}</p>"
               if sc.unknown else "") + _target(lang, plan)
    improve = "".join(f"<li>{e(t(lang, 'improve.' + s.id))}</li>" for s in sc.steps
                      if s.passed is False)
    events = "".join(f"<li><code>{mmss(at)}</code> {e(text)}</li>"
                     for at, text in timeline(lang, rec, sc.reference_s))
    return (f"<section lang={lang}><h1>{e(t(lang, 'title'))}</h1>"
            f"<p class=grade>{e(t(lang, 'grade'))}: <b>{e(sc.grade)}</b></p>"
            f"<p>{e(t(lang, 'incident'))}: <b>{e(inc['name'])}</b> — "
            f"{e(inc['cause_' + lang])} · {e(t(lang, 'speed'))} ×{plan['speed']:g} · "
            f"{e(t(lang, 'ref'))} {mmss(sc.reference_s)}</p>{unknown}"
            f"<table><tr><th>{e(t(lang, 'col.step'))}</th><th>{e(t(lang, 'col.deadline'))}</th>"
            f"<th>{e(t(lang, 'col.happened'))}</th><th>{e(t(lang, 'col.result'))}</th></tr>"
            f"{rows}</table><h2>{e(t(lang, 'improve'))}</h2><ul>{improve or '<li>—</li>'}</ul>"
            f"<h2>{e(t(lang, 'timeline'))}</h2><ol class=tl>{events}</ol></section>")


STYLE = ("body{font:15px system-ui,'WenQuanYi Micro Hei',sans-serif;margin:2em;max-width:70em}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em}"
         "tr.pass td:last-child{color:#070}tr.fail td:last-child{color:#b00;font-weight:bold}"
         "tr.unknown td:last-child{color:#a60}.grade b{font-size:2em}"
         "ol.tl{font-size:13px;max-height:30em;overflow:auto}section{margin-bottom:3em}")


def _html(lang: str, plan: dict[str, Any], rec: Record, sc: Score) -> str:
    order = (lang, *(lg for lg in LANGS if lg != lang))
    body = "".join(_section(lg, plan, rec, sc) for lg in order)
    return (f"<!doctype html><html lang={lang}><head><meta charset=utf-8>"
            f"<title>{html.escape(t(lang, 'title'))}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>")


def _junit(plan: dict[str, Any], sc: Score) -> str:
    cases = []
    for s in sc.steps:
        name = quoteattr(f"{s.id}: {t('en', 'step.' + s.id)}")
        what = quoteattr(happened("en", s))
        inner = ("" if s.passed else f"<error message={what}/>" if s.passed is None
                 else f"<failure message={what}/>")
        cases.append(f'<testcase classname="gameday.{plan["incident"]["name"]}" name={name}>'
                     f"{inner}</testcase>")
    fails = sum(s.passed is False for s in sc.steps)
    errors = sum(s.passed is None for s in sc.steps)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<testsuite name="gameday" '
            f'tests="{len(sc.steps)}" failures="{fails}" errors="{errors}">'
            + "".join(cases) + "</testsuite>\n")


def write_scorecard(run_dir: Path, lang: str, plan: dict[str, Any], rec: Record,
                    sc: Score) -> Path:
    """gameday.json, gameday.html, gameday-junit.xml; returns the html's path."""
    (run_dir / "gameday.json").write_text(json.dumps(to_json(plan, rec, sc), indent=1,
                                                     ensure_ascii=False), encoding="utf-8")
    (run_dir / "gameday-junit.xml").write_text(_junit(plan, sc), encoding="utf-8")
    page = run_dir / "gameday.html"
    page.write_text(_html(lang, plan, rec, sc), encoding="utf-8")
    return page
