"""Which language: --lang, then FAKA_DRILL_LANG, then the locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import pytest

from drill.errors import DrillError
from drill.i18n import Text, choose_lang, lang_of_locale


@pytest.mark.parametrize(("environ", "want"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "de_DE"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "zh_CN", "LC_ALL": "C"}, "en"),
    ({"LANG": "en_GB", "LC_ALL": "zh_SG.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN"}, "zh"),          # an empty variable says nothing
])
def test_locale_order_is_posix(environ: dict[str, str], want: str) -> None:
    assert lang_of_locale(environ) == want


def test_flag_beats_env_beats_locale() -> None:
    zh_box = {"LANG": "zh_CN.UTF-8"}
    assert choose_lang(None, zh_box) == "zh"
    assert choose_lang(None, {**zh_box, "FAKA_DRILL_LANG": "en"}) == "en"
    assert choose_lang("zh", {**zh_box, "FAKA_DRILL_LANG": "en"}) == "zh"
    assert choose_lang("en", zh_box) == "en"
    assert choose_lang(None, {"LANG": "en_US", "FAKA_DRILL_LANG": " ZH "}) == "zh"
    assert choose_lang(None, {"LANG": "en_US", "FAKA_DRILL_LANG": ""}) == "en"


def test_a_bad_language_names_where_and_how_to_fix() -> None:
    with pytest.raises(DrillError) as env_err:
        choose_lang(None, {"FAKA_DRILL_LANG": "fr"})
    assert "FAKA_DRILL_LANG is 'fr'" in str(env_err.value)
    assert "FAKA_DRILL_LANG=zh" in str(env_err.value)
    with pytest.raises(DrillError) as flag_err:
        choose_lang("jp", {})
    assert "--lang is 'jp'" in str(flag_err.value) and "zh 或 en" in str(flag_err.value)


def test_text_says_each_language_with_fields() -> None:
    t = Text(zh="{n} 个订单", en="{n} orders")
    assert t.say("zh", n=3) == "3 个订单"
    assert t.say("en", n=3) == "3 orders"
    assert Text(zh="通过", en="pass").both() == "通过 / pass"
    assert Text(zh="{x}%", en="{x}%").say("en") == "{x}%", "no fields: the text is left alone"
