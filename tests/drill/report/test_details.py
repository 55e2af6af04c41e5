"""Check details speak the report's language: the catalogue is complete and a zh report
of a real judged run shows the Chinese sentence, the English one stays in summary.json."""

from __future__ import annotations

import re
from pathlib import Path

from drill.checks.detail_text import TEXTS
from drill.checks.said import neutral, said
from drill.report.details import localised_checks, say_detail, say_example

ROOT = Path(__file__).resolve().parents[3]
FIELD = re.compile(r"\{(\w+)")


def test_every_catalogue_sentence_has_both_languages_with_the_same_fields() -> None:
    for key, text in TEXTS.items():
        zh, en = text.zh, text.en
        assert zh.strip() and en.strip(), key
        assert set(FIELD.findall(zh)) == set(FIELD.findall(en)), key


def test_every_key_a_checker_says_is_in_the_catalogue() -> None:
    used = set()
    for path in (ROOT / "drill" / "checks").glob("*.py"):
        used |= set(re.findall(r'said\(\s*"([\w.:-]+)"', path.read_text(encoding="utf-8")))
    assert used, "the checkers say something"
    assert used <= set(TEXTS), sorted(used - set(TEXTS))


def test_a_detail_renders_in_chinese_and_falls_back_to_english() -> None:
    key = next(k for k, t in TEXTS.items() if t.zh != t.en and "{" in t.en)
    fields = set(FIELD.findall(TEXTS[key].en))
    msg = said(key, **{f: 3 for f in fields})
    check = {"id": "x", "detail": str.__str__(msg), "detail_msg": neutral(msg),
             "examples": [{"reason": str.__str__(msg), "reason_msg": neutral(msg)}]}
    zh = say_detail(check, "zh")
    assert zh and zh != check["detail"]
    assert say_example(check["examples"][0], "zh") == zh
    assert say_detail(check, "en") == check["detail"]
    assert say_detail({"detail": "old summary"}, "zh") == "old summary"
    assert localised_checks([check], "zh")[0]["detail"] == zh


def test_no_checker_writes_a_detail_in_english_only() -> None:
    """A Verdict's detail is a said(...) sentence, never a bare string literal."""
    bare = re.compile(r'Verdict\(\s*\w+,\s*[^,()]+,\s*f?"')
    offenders = [f"{path.name}: {m.group(0)}" for path in (ROOT / "drill" / "checks").glob("*.py")
                 for m in bare.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders
