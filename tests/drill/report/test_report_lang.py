"""report.html, junit.xml and the console line in Chinese and English, from literal run folders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from drill.analyze import analyze
from drill.checks import CheckSpec
from drill.i18n import Lang
from drill.report import write_reports
from tests.drill.report.fixture import write_run

ROW = re.compile(r"<tr(?: class=\"total\")?><td>(?:<code>)?([^<]+)(?:</code>)?</td>\s*"
                 r"<td>(\d+)</td><td>(\d+)</td><td>([\d.]+) %</td><td>([^<]+)</td>"
                 r"<td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>")


def _write(tmp_path: Path, lang: Lang, **kw: bool) -> tuple[dict, str, ET.Element, str]:
    run = write_run(tmp_path / f"run-{lang}", **kw)
    (run / "spec.json").write_text(CheckSpec(expect_alerts=("supplier_health",)).to_json())
    analysis = analyze(run)
    html = write_reports(run, analysis, lang).read_text(encoding="utf-8")
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    return summary, html, ET.parse(run / "junit.xml").getroot(), analysis.line(lang)


def test_chinese_report_has_chinese_headings_titles_and_the_request_table(tmp_path: Path) -> None:
    summary, html, _, line = _write(tmp_path, "zh")
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
    assert line.startswith("通过 smoke：") and "项通过，0 项失败，0 项未知" in line


def test_english_report_and_json_table_agree(tmp_path: Path) -> None:
    summary, html, _, line = _write(tmp_path, "en")
    assert summary["lang"] == "en" and '<html lang="en">' in html
    for heading in ("Checks", "Metrics", "Requests", "Faults"):
        assert f"<h2>{heading}</h2>" in html, heading
    assert "<b>No lost order</b><br><code>no-loss</code>" in html
    assert "检查项" not in html and "不丢单" not in html
    by_name = {r["name"]: r for r in summary["requests"]}
    assert list(by_name) == ["await_delivery", "create_order", "fetch_card", "pay", "total"]
    assert by_name["total"]["requests"] == 40 and by_name["pay"]["p99_ms"] == 10.0
    rows = {r[0]: r[1:] for r in ROW.findall(html)}
    assert rows["total"][:3] == ("40", "0", "0.00")
    assert re.fullmatch(r"PASS smoke: \d+ passed, 0 failed, 0 unknown", line)


def test_summary_is_language_neutral_apart_from_lang(tmp_path: Path) -> None:
    zh, *_ = _write(tmp_path, "zh")
    en, *_ = _write(tmp_path, "en")
    drop = ("lang", "run_id", "charts")
    assert {k: v for k, v in zh.items() if k not in drop} == \
        {k: v for k, v in en.items() if k not in drop}
    assert [c["id"] for c in zh["checks"]] == [c["id"] for c in en["checks"]]


@pytest.mark.parametrize(("lang", "title", "reason"), [
    ("zh", "不丢单", "在“收集记录”阶段被中断，结果不完整"),
    ("en", "No lost order", "interrupted during collect; the results are partial")])
def test_failed_and_interrupted_runs_speak_the_language(tmp_path: Path, lang: Lang, title: str,
                                                        reason: str) -> None:
    _, html, junit, _ = _write(tmp_path / "bad", lang, lose_one=True)
    failure = junit.find(".//testcase[@name='no-loss']/failure")
    assert failure is not None and failure.get("message", "").startswith(f"{title}: ")
    assert "O009" in (failure.text or "")
    run = write_run(tmp_path / "cut", partial=True)
    meta = json.loads((run / "meta.json").read_text())
    (run / "meta.json").write_text(json.dumps({**meta, "interrupted_phase": "collect"}))
    (run / "spec.json").write_text(CheckSpec().to_json())
    analysis = analyze(run)
    html = write_reports(run, analysis, lang).read_text(encoding="utf-8")
    assert reason in html and reason in analysis.line(lang)
    run_case = ET.parse(run / "junit.xml").getroot().find(".//testcase[@name='run']/error")
    assert run_case is not None and reason in (run_case.text or "")
