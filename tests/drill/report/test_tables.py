"""The zoo and capacity tables and the runs index page in Chinese and English: same rows,
same figures, the fixed words in the operator's language, columns lined up by display
width (a Chinese character takes two cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drill.capacity import Step
from drill.i18n import Lang
from drill.report.charts import cjk_font
from drill.report.index_page import record_run, trend_chart
from drill.report.tables import capacity_conclusion, capacity_table, width, zoo_table
from drill.zoo import Outcome
from tests.drill.report.test_trends import summary


@dataclass
class _Row:          # a zoo.Outcome-shaped row whose `ok` is given, not derived
    defect: str | None
    scenario: str
    expected: str | None
    verdict: str
    ok: bool
    failed: list[str] = field(default_factory=list)
    wall_s: float = 1.0


ZOO_ROWS = [Outcome("supplier-errors", "no-retry-cap", "retries", "fail", ["retries"], 12.34,
                    "r1", 1),
            Outcome("forged-notify", "notify-always-success", "gateway-protocol", "pass", [],
                    8.0, "r2", 0),
            Outcome("smoke", None, None, "pass", [], 5.0, "r3", 0)]
STEPS = [Step(50.0, "pass", [], 49.8, 0.41, 0, "a"), Step(100.0, "pass", [], 99.1, 0.9, 0, "b"),
         Step(200.0, "fail", ["latency"], 150.2, 4.2, 31, "c")]


def test_the_zoo_table_speaks_both_languages() -> None:
    en, zh = zoo_table(ZOO_ROWS, "en"), zoo_table(ZOO_ROWS, "zh")
    assert en.splitlines()[0].split() == ["defect", "scenario", "expected", "check", "caught",
                                          "checks", "that", "fired", "wall", "s"]
    assert "NO" in en.splitlines()[3] and "yes" in en.splitlines()[2]   # ok is derived
    assert "(clean)" in en and "clean pass" in en and "12.3" in en
    assert zh.splitlines()[0].split() == ["缺陷", "场景", "应失败的检查", "抓到", "失败的检查",
                                          "耗时(秒)"]
    assert "否" in zh and "(无缺陷)" in zh and "无缺陷,通过" in zh and "12.3" in zh
    bad = zoo_table([_Row(None, "smoke", None, "fail", False)], "zh")
    assert "无缺陷却失败" in bad and "CLEAN FAIL" in zoo_table(
        [_Row(None, "smoke", None, "fail", False)], "en")


def _column_of(table: str, text: str) -> int:
    """Display column where `text` starts on its line."""
    line = next(line for line in table.splitlines() if text in line)
    return width(line[:line.index(text)])


def test_chinese_columns_line_up_by_display_width() -> None:
    zh = zoo_table(ZOO_ROWS, "zh")
    assert _column_of(zh, "场景") == _column_of(zh, "supplier-errors") == \
        _column_of(zh, "forged-notify")
    assert _column_of(zh, "抓到") == _column_of(zh, "否") == _column_of(zh, "是")
    cap = capacity_table(STEPS, "zh")
    assert _column_of(cap, "结果") == _column_of(cap, "失败")


def test_the_capacity_table_and_conclusion_speak_both_languages() -> None:
    for lang, head, broke in (("en", "offered/s", "capacity: 100 orders/s; the SLO broke at "
                               "200 orders/s"),
                              ("zh", "施压(单/秒)", "容量:每秒 100 单;在每秒 200 单时突破 SLO")):
        table = capacity_table(STEPS, lang)
        assert head in table.splitlines()[0]
        assert "150.2" in table and "31" in table and "(latency)" in table
        assert capacity_conclusion(STEPS, [50, 100, 200], lang) == broke
    assert "失败 (latency)" in capacity_table(STEPS, "zh")
    assert capacity_conclusion(STEPS[:2], [50, 100], "zh").endswith("请调高 --to")
    assert capacity_conclusion([], [50], "en") == \
        "capacity: below the first step; held up to the last step (50/s): raise --to"


def _index(tmp_path: Path, lang: Lang | None, recorded: str | None = None) -> str:
    for i in range(2):
        s = summary(0.2 + i, 5.0)
        if recorded:
            s["lang"] = recorded
        assert record_run(tmp_path, tmp_path / f"run-{i}", s, lang) == []
    return (tmp_path / "index.html").read_text(encoding="utf-8")


def test_the_index_page_in_chinese_and_english(tmp_path: Path) -> None:
    zh = _index(tmp_path / "zh", "zh")
    assert '<html lang="zh-CN">' in zh and "faka-drill 运行记录" in zh and "全部运行" in zh
    assert "<th>开始时间</th>" in zh and ">通过</span>" in zh and "Every run" not in zh
    en = _index(tmp_path / "en", "en")
    assert '<html lang="en">' in en and "<h2>Every run</h2>" in en and ">PASS</span>" in en
    assert "全部运行" in _index(tmp_path / "rec", None, recorded="zh")   # the run's own lang


def _labels(svg: str) -> list[str]:
    """The texts of a matplotlib SVG (each drawn text is preceded by a comment holding it)."""
    return re.findall(r"<!-- (.*?) -->", svg)


def test_the_trend_chart_is_labelled_in_chinese_only_with_a_cjk_font() -> None:
    runs = [summary(0.2 + i, 5.0) for i in range(3)]
    zh, en = _labels(trend_chart("smoke", runs, "zh")), _labels(trend_chart("smoke", runs, "en"))
    assert "seconds" in en and "delivered orders/s" in en and "秒" not in en
    if cjk_font() is None:      # no font: English labels rather than empty boxes
        assert zh == en
    else:
        assert "秒" in zh and "每秒发货数" in zh and "seconds" not in zh
