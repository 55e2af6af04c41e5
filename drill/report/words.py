"""Every fixed word of report.html, the console and JUnit, in Chinese and English.

Kept apart from the templates so a text exists in both languages or not at
all (tests/drill/report/test_words.py); the templates get `words(lang)`, a
plain dict of the chosen language. Ids, metric names and figures are not
words: they stay as they are.
"""

from __future__ import annotations

from drill.i18n import Lang, Text

__all__ = ["CAPACITY", "CHART", "CONSOLE", "HTML", "INDEX", "PHASES", "VERDICTS", "ZOO",
           "phase_word", "verdict_word", "words"]

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
    "example": Text(zh="示例", en="example"), "untitled": Text(zh="运行", en="run"),
    "role_harness": Text(zh="压测端", en="harness"), "role_shop": Text(zh="商城", en="shop"),
}

# report.html's charts (axis labels and legends; series named by ids stay as they are)
CHART: dict[str, Text] = {
    "fault": Text(zh="故障", en="fault"),
    "delivered_s": Text(zh="每秒发货数", en="delivered orders/s"),
    "since": Text(zh="压测开始后的秒数", en="seconds since load start"),
    "orders_s": Text(zh="单/秒", en="orders/s"), "seconds": Text(zh="秒", en="seconds"),
    "p50": Text(zh="付款→发货 p50", en="p50 paid→delivered"),
    "p99": Text(zh="付款→发货 p99", en="p99 paid→delivered"),
    "cumulative": Text(zh="订单数(累计)", en="orders (cumulative)"),
    "created": Text(zh="已下单", en="created"), "paid": Text(zh="已付款", en="paid"),
    "delivered": Text(zh="已发货", en="delivered"),
    "calls": Text(zh="供应商采购调用次数", en="supplier purchase calls"),
    "alerts_x": Text(zh="压测开始后的秒数(IM 接收端收到的告警)",
                     en="seconds since load start (alerts seen in the IM sink)"),
}

# reports/index.html: every run, newest first, and a trend chart per scenario
INDEX: dict[str, Text] = {
    "title": Text(zh="faka-drill 运行记录", en="faka-drill runs"),
    "count": Text(zh="reports/index.jsonl 中共 {n} 次", en="{n} in reports/index.jsonl"),
    "every": Text(zh="全部运行", en="Every run"),
    "started": Text(zh="开始时间", en="started"), "scenario": Text(zh="场景", en="scenario"),
    "seed": Text(zh="种子", en="seed"), "verdict": Text(zh="结果", en="verdict"),
    "p99": Text(zh="付款→发货 p99", en="p99 paid→delivered"),
    "rate": Text(zh="每秒发货", en="delivered/s"), "errors": Text(zh="错误率", en="error rate"),
    "defects": Text(zh="注入缺陷", en="defects"), "revision": Text(zh="代码版本", en="revision"),
    "axis_x": Text(zh="{scenario}:第几次运行(红线:失败的运行)",
                   en="{scenario}: run number (red line: failed run)"),
    "axis_s": Text(zh="秒", en="seconds"), "axis_rate": Text(zh="单/秒", en="orders/s"),
    "legend_p99": Text(zh="付款→发货 p99(秒)", en="p99 paid→delivered (s)"),
    "legend_rate": Text(zh="每秒发货数", en="delivered orders/s"),
}

# the zoo's closing table (harness.py zoo)
ZOO: dict[str, Text] = {
    "defect": Text(zh="缺陷", en="defect"), "scenario": Text(zh="场景", en="scenario"),
    "expected": Text(zh="应失败的检查", en="expected check"),
    "caught": Text(zh="抓到", en="caught"), "fired": Text(zh="失败的检查", en="checks that fired"),
    "wall": Text(zh="耗时(秒)", en="wall s"), "clean": Text(zh="(无缺陷)", en="(clean)"),
    "clean_pass": Text(zh="无缺陷,通过", en="clean pass"),
    "clean_bad": Text(zh="无缺陷却{verdict}", en="CLEAN {verdict}"),
    "yes": Text(zh="是", en="yes"), "no": Text(zh="否", en="NO"),
}

# the capacity search's table and conclusion (harness.py capacity)
CAPACITY: dict[str, Text] = {
    "offered": Text(zh="施压(单/秒)", en="offered/s"),
    "delivered": Text(zh="发货(单/秒)", en="delivered/s"), "p99": Text(zh="p99(秒)", en="p99 s"),
    "dropped": Text(zh="丢弃的到达", en="dropped"), "verdict": Text(zh="结果", en="verdict"),
    "head": Text(zh="容量:每秒 {rate} 单", en="capacity: {rate} orders/s"),
    "below": Text(zh="容量:低于第一档", en="capacity: below the first step"),
    "held": Text(zh=";直到最后一档({rate}/秒)都撑住了:请调高 --to",
                 en="; held up to the last step ({rate}/s): raise --to"),
    "broke": Text(zh=";在每秒 {rate} 单时突破 SLO", en="; the SLO broke at {rate} orders/s"),
    "other": Text(zh=";每秒 {rate} 单那一档的结果是{verdict}",
                  en="; the step at {rate} orders/s was {verdict}"),
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
