"""Every fixed text exists in both languages with the same fields; every check has a title;
every inconclusive reason the real producers write has its Chinese wording."""

from __future__ import annotations

import string

import pytest

from drill.analyze import RunState, decide
from drill.checks.titles import TITLES, title_of
from drill.checks.verdict import Verdict
from drill.i18n import Text
from drill.report.reasons import say_reason
from drill.report.words import CAPACITY, CHART, CONSOLE, HTML, INDEX, PHASES, VERDICTS, ZOO
from drill.saturation import ComponentLoad, HarnessLoad, saturation_reasons
from drill.scenario import CHECK_IDS


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _all_texts() -> list[tuple[str, Text]]:
    tables = {"HTML": HTML, "CONSOLE": CONSOLE, "VERDICTS": VERDICTS, "PHASES": PHASES,
              "INDEX": INDEX, "ZOO": ZOO, "CAPACITY": CAPACITY, "CHART": CHART}
    out = [(f"{t}.{k}", v) for t, d in tables.items() for k, v in d.items()]
    out += [(f"TITLES.{k}", v.title) for k, v in TITLES.items()]
    return out + [(f"TITLES.{k}.explains", v.explains) for k, v in TITLES.items()]


@pytest.mark.parametrize(("where", "text"), _all_texts(), ids=lambda x: x if isinstance(x, str)
                         else "")
def test_both_languages_say_it_with_the_same_fields(where: str, text: Text) -> None:
    assert text.zh.strip() and text.en.strip(), where
    assert _fields(text.zh) == _fields(text.en), where
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh) or text.zh == text.en, where


def test_every_check_has_a_chinese_title_and_explanation() -> None:
    missing = [cid for cid in (*CHECK_IDS, "shop-health") if cid not in TITLES]
    assert not missing, f"add these to drill/checks/titles.py: {missing}"
    assert title_of("no-loss", "zh") == ("不丢单", TITLES["no-loss"].explains.zh)
    assert title_of("not-a-check", "zh") == ("not-a-check", ""), "unknown ids shown as they are"


def _busy_load() -> HarnessLoad:
    locust = ComponentLoad("locust", 40, 0.9, 1.0, 1.0, 1)
    return HarnessLoad((locust,), 0.5, 20.0, 2, 0.99, 0.1,
                       extra={"healthz_ms": {"gateway": {"p50": 80, "p90": 400, "max": 900,
                                                         "samples": 30}}})


def test_every_reason_the_producers_write_is_said_in_chinese() -> None:
    saturated = saturation_reasons(_busy_load(), dropped_arrivals=7)
    state = RunState(True, "load", ("toxiproxy did not start",), True,
                     ({"component": "gateway", "exit_code": -9, "role": "harness"},))
    reasons = decide([Verdict("latency", False, "p99 3 s"), Verdict("no-loss", None, "gone")],
                     state, saturated=saturated)[1]
    reasons += decide([], RunState(), ())[1]
    assert len(reasons) >= 9, reasons
    for reason in reasons:
        zh = say_reason(reason, "zh")
        assert zh != reason, f"no Chinese wording for {reason!r}; add it to drill/report/reasons.py"
        assert say_reason(reason, "en") == reason
    said = [say_reason(r, "zh") for r in reasons]
    assert "在“压测”阶段被中断，结果不完整" in said
    assert "检查 no-loss 无法判断：gone" in said
    assert "压测端满载期间丢弃了 7 个到达的买家" in said
    assert say_reason("something new", "zh") == "something new", "unknown reasons kept whole"
