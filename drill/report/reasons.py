"""The inconclusive reasons in the operator's language.

summary.json keeps the reasons as drill.analyze and drill.saturation wrote
them (English, language-neutral for machines); the console and report.html
say them in Chinese when asked. Each known reason shape is one pattern with
its Chinese wording; the evidence inside (names, figures, a checker's detail)
is carried over unchanged. A reason no pattern knows is shown as written, so
nothing is ever hidden (tests/drill/report/test_reasons.py feeds the real
producers, so a reworded reason that loses its translation fails there).
"""

from __future__ import annotations

import re

from drill.i18n import Lang
from drill.report.words import PHASES

__all__ = ["PATTERNS", "say_reason"]

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.S), zh) for p, zh in (
    (r"harness: (?P<c>\S+) exited with code (?P<code>\S+) and no fault planned it$",
     "压测端：{c} 以退出码 {code} 退出，没有任何故障计划这样做"),
    (r"harness saturated: (?P<c>\S+) answered /healthz in (?P<ms>\d+) ms \(p90 over "
     r"(?P<n>\d+) probes\): its event loop was busy$",
     "压测端满载：{c} 的 /healthz 响应 {ms} ms（{n} 次探测的 p90），事件循环繁忙"),
    (r"harness saturated: (?P<c>\S+) at (?P<pct>\S+) of a core \(p90 over (?P<n>\d+) samples\)$",
     "压测端满载：{c} 占用单核 {pct}（{n} 个样本的 p90）"),
    (r"box saturated: its (?P<cores>\d+) cores (?P<pct>\S+) busy \(p90\); the drill's processes "
     r"used (?P<used>\S+) cores on average, other work the rest$",
     "整机满载：{cores} 核忙碌 {pct}（p90）；演练进程平均用了 {used} 核，其余是别的程序"),
    (r"(?P<n>\d+) arrivals dropped while the harness was saturated$",
     "压测端满载期间丢弃了 {n} 个到达的买家"),
    (r"failed while the harness was saturated: (?P<ids>.+)$",
     "压测端满载时失败（不计为商城的问题）：{ids}"),
    (r"interrupted during (?P<phase>\S+); the results are partial$",
     "在“{phase}”阶段被中断，结果不完整"),
    (r"check (?P<id>\S+) unknown: (?P<detail>.*)$", "检查 {id} 无法判断：{detail}"),
    (r"no check was run$", "没有运行任何检查"),
    (r"harness: (?P<error>.*)$", "压测端错误：{error}"),
))


def say_reason(reason: str, lang: Lang) -> str:
    """`reason` in `lang` (as written when English, or when no pattern knows it)."""
    if lang == "en":
        return reason
    for pattern, zh in PATTERNS:
        found = pattern.match(reason)
        if found:
            fields = found.groupdict()
            if "phase" in fields and fields["phase"] in PHASES:
                fields["phase"] = PHASES[fields["phase"]].say("zh")
            return zh.format(**fields)
    return reason
