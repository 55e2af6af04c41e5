"""report.html, junit.xml and the console line in Chinese and English, from literal run folders.

Each literal run is judged once (the charts cost seconds) and rendered in both
languages from that one `Analysis`, as `check --lang` re-renders a run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from drill.analyze import Analysis, analyze
from drill.checks import CheckSpec
from drill.i18n import Lang
from drill.report import write_reports
from tests.drill.report.fixture import write_run

ROW = re.compile(r"<tr(?: class=\"total\")?><td>(?:<code>)?([^<]+)(?:</code>)?</td>\s*"
                 r"<td>(\d+)</td><td>(\d+)</td><td>([\d.]+) %</td><td>([^<]+)</td>"
                 r"<td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>")
Rendered = tuple[dict[str, Any], str, ET.Element]


def _judged(run: Path) -> Analysis:
    (run / "spec.json").write_text(CheckSpec(expect_alerts=("supplier_health",)).to_json())
    return analyze(run)


def _render(analysis: Analysis, out: Path, lang: Lang) -> Rendered:
    html = write_reports(out, analysis, lang).read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary, html, ET.parse(out / "junit.xml").getroot()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, Rendered]:
    base = tmp_path_factory.mktemp("clean")
    analysis = _judged(write_run(base / "run"))
    return {lang: _render(analysis, base / lang, lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def lost(tmp_path_factory: pytest.TempPathFactory) -> dict[Lang, Rendered]:
    base = tmp_path_factory.mktemp("lost")
    analysis = _judged(write_run(base / "run", lose_one=True))
    return {lang: _render(analysis, base / lang, lang) for lang in ("zh", "en")}


def test_chinese_report_has_chinese_headings_titles_and_the_request_table(
        clean: dict[Lang, Rendered]) -> None:
    summary, html, _ = clean["zh"]
    assert summary["lang"] == "zh" and summary["verdict"] == "pass"
    assert '<html lang="zh-CN">' in html
    for heading in ("检查项", "指标", "请求统计", "故障", "每秒发货数与发货延迟"):
        assert f"<h2>{heading}</h2>" in html, heading
    assert "<th>检查</th><th>结果</th><th>详情</th>" in html
    assert "<b>不丢单</b><br><code>no-loss</code>" in html, "title shown, id kept"
    assert "网关确认已付款的每个订单" in html
    assert '<span class="badge pass">通过</span>' in html
    assert "<th>请求</th><th>请求数</th><th>失败数</th><th>失败率</th>" in html
    rows = {r[0]: r[1:] for r in ROW.findall(html)}
    # ten buyers over 5.02 s (first invoke to last answer), each op answered in 10 ms,
    # await_delivery in 460 ms
    assert rows["create_order"] == ("10", "0", "0.00", "10", "10", "10", "10", "1.99")
    assert rows["await_delivery"] == ("10", "0", "0.00", "460", "460", "460", "460", "1.99")
    assert rows["合计"] == ("40", "0", "0.00", "10", "460", "460", "460", "7.97")


def test_english_report_and_json_table_agree(clean: dict[Lang, Rendered]) -> None:
    summary, html, _ = clean["en"]
    assert summary["lang"] == "en" and '<html lang="en">' in html
    for heading in ("Checks", "Metrics", "Requests", "Faults"):
        assert f"<h2>{heading}</h2>" in html, heading
    assert "<b>No lost order</b><br><code>no-loss</code>" in html
    assert "检查项" not in html and "不丢单" not in html
    by_name = {r["name"]: r for r in summary["requests"]}
    assert list(by_name) == ["await_delivery", "create_order", "fetch_card", "pay", "total"]
    assert by_name["total"]["requests"] == 40 and by_name["pay"]["p99_ms"] == 10.0
    rows = {r[0]: r[1:] for r in ROW.findall(html)}
    assert rows["total"] == ("40", "0", "0.00", "10", "460", "460", "460", "7.97")


def test_summary_is_language_neutral_apart_from_lang(clean: dict[Lang, Rendered]) -> None:
    zh, en = clean["zh"][0], clean["en"][0]
    assert (zh.pop("lang"), en.pop("lang")) == ("zh", "en")
    assert zh == en


@pytest.mark.parametrize(("lang", "title", "word"), [("zh", "不丢单", "失败"),
                                                     ("en", "No lost order", "FAIL")])
def test_a_failed_check_speaks_the_language(lost: dict[Lang, Rendered], lang: Lang, title: str,
                                            word: str) -> None:
    _, html, junit = lost[lang]
    failure = junit.find(".//testcase[@name='no-loss']/failure")
    assert failure is not None and failure.get("message", "").startswith(f"{title}: ")
    assert "O009" in (failure.text or "")
    assert f'<span class="badge fail">{word}</span>' in html


@pytest.mark.parametrize(("lang", "line", "reason"), [
    ("zh", "无法判定 smoke：", "在“收集记录”阶段被中断，结果不完整"),
    ("en", "INCONCLUSIVE smoke: ", "interrupted during collect; the results are partial")])
def test_an_interrupted_run_says_why_in_the_language(tmp_path: Path, lang: Lang, line: str,
                                                     reason: str) -> None:
    run = write_run(tmp_path / "cut", partial=True)
    meta = json.loads((run / "meta.json").read_text())
    (run / "meta.json").write_text(json.dumps({**meta, "interrupted_phase": "collect"}))
    (run / "spec.json").write_text(CheckSpec().to_json())
    analysis = analyze(run)
    _, html, junit = _render(analysis, run, lang)
    assert analysis.line(lang).startswith(line) and reason in analysis.line(lang)
    assert reason in html
    run_case = junit.find(".//testcase[@name='run']/error")
    assert run_case is not None and reason in (run_case.text or "")


def test_the_charts_speak_the_report_language_when_a_cjk_font_exists(
        clean: dict[Lang, Rendered]) -> None:
    """Drawn text is preceded by a comment holding it in matplotlib's SVG."""
    from drill.report.charts import cjk_font

    zh = set(re.findall(r"<!-- (.*?) -->", clean["zh"][1]))
    en = set(re.findall(r"<!-- (.*?) -->", clean["en"][1]))
    assert "seconds since load start" in en and "压测开始后的秒数" not in en
    if cjk_font() is None:          # no font: English labels rather than empty boxes
        assert "seconds since load start" in zh
    else:
        assert {"压测开始后的秒数", "每秒发货数", "订单数(累计)"} <= zh
        assert "seconds since load start" not in zh
