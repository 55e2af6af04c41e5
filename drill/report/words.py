"""Every fixed word of report.html, the console and JUnit, in Chinese and English.

Kept apart from the templates so a text exists in both languages or not at
all (tests/drill/report/test_words.py); the templates get `words(lang)`, a
plain dict of the chosen language. Ids, metric names and figures are not
words: they stay as they are.
"""

from __future__ import annotations

from drill.i18n import Lang, Text

__all__ = ["CONSOLE", "HTML", "PHASES", "VERDICTS", "phase_word", "verdict_word", "words"]

VERDICTS: dict[str, Text] = {
    "pass": Text(zh="通过", en="PASS"),
    "fail": Text(zh="失败", en="FAIL"),
    "inconclusive": Text(zh="无法判定", en="INCONCLUSIVE"),
    "unknown": Text(zh="未知", en="unknown"),
}

PHASES: dict[str, Text] = {
    "validate": Text(zh="校验", en="validate"),
    "stack": Text(zh="启动环境", en="stack"),
    "seed": Text(zh="准备数据", en="seed"),
    "load": Text(zh="压测", en="load"),
    "drain": Text(zh="收尾", en="drain"),
    "collect": Text(zh="收集记录", en="collect"),
    "check": Text(zh="判定", en="check"),
}

HTML: dict[str, Text] = {
    "run": Text(zh="运行", en="run"), "seed": Text(zh="种子", en="seed"),
    "time_scale": Text(zh="时间倍率", en="time_scale"), "db": Text(zh="数据库", en="db"),
    "wall": Text(zh="耗时", en="wall"), "defects": Text(zh="注入缺陷", en="defects"),
    "interrupted": Text(zh="运行被中断。", en="Interrupted run."),
    "inconclusive": Text(zh="无法判定：", en="inconclusive:"),
    "missing": Text(zh="缺少：", en="Missing:"), "collect": Text(zh="收集失败", en="collect"),
    "checks": Text(zh="检查项", en="Checks"), "check": Text(zh="检查", en="check"),
    "result": Text(zh="结果", en="result"), "detail": Text(zh="详情", en="detail"),
    "examples": Text(zh="个示例", en="example(s)"), "counts": Text(zh="计数", en="counts"),
    "thresholds": Text(zh="阈值", en="Thresholds"), "metrics": Text(zh="指标", en="Metrics"),
    "chart_throughput": Text(zh="每秒发货数与发货延迟", en="Orders/s and delivery latency"),
    "chart_states": Text(zh="各状态订单数", en="Orders by state"),
    "chart_suppliers": Text(zh="供应商调用结果", en="Supplier calls by outcome"),
    "chart_alerts": Text(zh="时间线上的告警与故障", en="Alerts and faults on the timeline"),
    "no_chart": Text(zh="没有可绘制的订单数据。", en="No order data to chart."),
    "faults": Text(zh="故障", en="Faults"), "fault": Text(zh="故障", en="fault"),
    "kind": Text(zh="类型", en="kind"), "target": Text(zh="目标", en="target"),
    "injected": Text(zh="注入时间", en="injected"), "healed": Text(zh="恢复时间", en="healed"),
    "ok": Text(zh="成功", en="ok"), "yes": Text(zh="是", en="yes"), "no": Text(zh="否", en="no"),
    "no_faults": Text(zh="未注入故障。", en="No faults injected."),
    "exits": Text(zh="意外退出", en="Unplanned exits"),
    "exit_line": Text(zh="（{role}）在 {at} 以退出码 {code} 退出，没有任何故障计划这样做。",
                      en="({role}) exited with code {code} at {at} and no fault planned it."),
    "harness": Text(zh="压测端负载", en="Harness load"),
    "harness_line": Text(
        zh="压测期间的 CPU（单核占比），每 {interval} 秒采样，共 {wall} 秒；"
           "整机 {cores} 核的忙碌度 {box} %（p90）；测量本身耗 CPU {cost} 秒。"
           "商城进程列出以作对比：只有压测端或整机满载才能解释速度类检查的失败。",
        en="CPU during the load as a share of one core, sampled every {interval} s over {wall} s; "
           "the box at {box} % of its {cores} cores (p90); measuring cost {cost} s of CPU. The "
           "shop's processes are shown for comparison: only a saturated harness or box excuses "
           "a failed speed check."),
    "lag_line": Text(zh="{name} /healthz 往返（事件循环延迟）：p50 {p50} ms，p90 {p90} ms，"
                        "最大 {max} ms，共 {n} 次探测",
                     en="{name} /healthz round trip (event-loop lag): p50 {p50} ms, p90 {p90} ms, "
                        "max {max} ms over {n} probes"),
    "component": Text(zh="组件", en="component"), "role": Text(zh="角色", en="role"),
    "mean": Text(zh="平均", en="mean"), "max": Text(zh="最大", en="max"),
    "processes": Text(zh="进程数", en="processes"), "samples": Text(zh="样本数", en="samples"),
    "requests_h": Text(zh="请求统计", en="Requests"),
    "requests_note": Text(zh="按请求名统计（取自 history.jsonl）；失败包括无应答和超时；"
                             "越权试探（snoop_*）被拒绝才是正确结果，不算失败。",
                          en="Per request name, from history.jsonl; failures include "
                             "unanswered requests and timeouts; a snooper's probe (snoop_*) "
                             "is meant to be refused, so a refusal is no failure."),
    "name": Text(zh="请求", en="request"), "requests": Text(zh="请求数", en="requests"),
    "failures": Text(zh="失败数", en="failures"), "failure_pct": Text(zh="失败率", en="failure %"),
    "rps": Text(zh="每秒请求", en="req/s"), "total": Text(zh="合计", en="total"),
    "load_plan": Text(zh="负载计划", en="Load"), "errors": Text(zh="错误", en="Errors"),
}

CONSOLE: dict[str, Text] = {
    "phase": Text(zh="阶段 {name}", en="phase {name}"),
    "phase_label": Text(zh="阶段", en="phase"),
    "fault": Text(zh="故障 {action} {fault} {status}", en="fault {action} {fault} {status}"),
    "inject": Text(zh="注入", en="inject"), "heal": Text(zh="恢复", en="heal"),
    "ok": Text(zh="成功", en="ok"), "failed": Text(zh="失败：{error}", en="FAILED: {error}"),
    "exit": Text(zh="意外退出，时间 {clock}：{event}", en="UNPLANNED EXIT at {clock}: {event}"),
    "stopping": Text(zh="正在停止：{reason}", en="stopping: {reason}"),
    "stack_up": Text(zh="环境已启动，按 Ctrl-C 停止", en="stack is up; press Ctrl-C to stop"),
    "drill": Text(zh="演练", en="drill"), "elapsed": Text(zh="已用时", en="elapsed"),
    "elapsed_of": Text(zh="{done:.1f} 秒 / 约 {planned:.0f} 秒",
                       en="{done:.1f}s of ~{planned:.0f}s"),
    "orders_s": Text(zh="订单/秒", en="orders/s"), "latency": Text(zh="延迟", en="latency"),
    "faults": Text(zh="故障", en="faults"), "none": Text(zh="无", en="none"),
    "line": Text(zh="{verdict} {scenario}：{passed} 项通过，{failed} 项失败{which}，"
                    "{unknown} 项未知",
                 en="{verdict} {scenario}: {passed} passed, {failed} failed{which}, "
                    "{unknown} unknown"),
    "zoo_case": Text(zh="[zoo {n}/{total}] {scenario}，{what}，运行中……",
                     en="[zoo {n}/{total}] {scenario} with {what} ..."),
    "zoo_clean": Text(zh="无缺陷", en="clean"),
    "zoo_ok": Text(zh="符合预期", en="ok"),
    "zoo_not_ok": Text(zh="不符合预期", en="NOT OK"),
    "zoo_done": Text(zh="[zoo {n}/{total}] {ok}：判定 {verdict}，"
                        "失败的检查 {failed}（{wall:.0f} 秒）{run_dir}",
                     en="[zoo {n}/{total}] {ok}: verdict {verdict}, failed {failed} ({wall:.0f} s) "
                        "{run_dir}"),
    "zoo_summary": Text(zh="\n抓到 {caught}/{chosen} 个缺陷；"
                           "无缺陷运行通过 {clean_ok}/{clean} 次",
                        en="\n{caught}/{chosen} defects caught; "
                           "{clean_ok}/{clean} clean runs pass"),
    "capacity_step": Text(zh="[capacity {n}/{total}] {scenario}，每秒 {rate:g} 单，"
                             "持续 {hold:g} 秒 ……",
                          en="[capacity {n}/{total}] {scenario} at {rate:g} orders/s "
                             "for {hold:g} s ..."),
    "line_reasons": Text(zh=" — 无法判定：{reasons}", en=" — inconclusive: {reasons}"),
}


def words(lang: Lang) -> dict[str, str]:
    """The report's fixed words in `lang`, for the template (`w.checks`)."""
    return {key: text.say(lang) for key, text in HTML.items()}


def verdict_word(verdict: str, lang: Lang) -> str:
    text = VERDICTS.get(verdict)
    return text.say(lang) if text else verdict


def phase_word(phase: str, lang: Lang) -> str:
    text = PHASES.get(phase)
    return text.say(lang) if text else phase
