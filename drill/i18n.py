"""The operator's language: which one (`--lang`, FAKA_DRILL_LANG, the locale) and texts in both.

faka-drill speaks two languages, Chinese for the 发卡网 operator and English;
a text is written once as a `Text` holding both, so no string can exist in one
language only. Two languages and a few hundred strings: a frozen pair beats a
gettext catalogue (no build step, no .mo files, mypy sees every text).

Precedence, first that says something wins: the `--lang` flag, then
FAKA_DRILL_LANG, then the locale as POSIX orders it (LC_ALL, LC_MESSAGES,
LANG); a locale starting with "zh" means Chinese, anything else English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from drill.errors import DrillError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
ENV_VAR = "FAKA_DRILL_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")

__all__ = ["ENV_VAR", "LANGS", "LOCALE_VARS", "Lang", "Text", "choose_lang", "lang_of_locale"]


@dataclass(frozen=True, slots=True)
class Text:
    """One text in both languages; `{name}` fields are filled by `say`."""

    zh: str
    en: str

    def say(self, lang: Lang, **fields: Any) -> str:
        """The text in `lang`, with `fields` filled in (str.format)."""
        template = self.zh if lang == "zh" else self.en
        return template.format(**fields) if fields else template

    def both(self, **fields: Any) -> str:
        """Chinese, then English: for messages whose reader's language is not known."""
        return f"{self.say('zh', **fields)} / {self.say('en', **fields)}"


def lang_of_locale(environ: Mapping[str, str]) -> Lang:
    """zh when the effective locale (LC_ALL, else LC_MESSAGES, else LANG) is zh_*, else en."""
    for name in LOCALE_VARS:
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _valid(value: str, where: str, fix: str) -> Lang:
    lang = value.strip().lower()
    if lang not in LANGS:
        raise DrillError(f"{where} is {value!r}, not a language faka-drill speaks "
                         f"(choices: {', '.join(LANGS)}) / {where} 只能是 zh 或 en",
                         hint=fix)
    return lang


def choose_lang(flag: str | None, environ: Mapping[str, str] | None = None) -> Lang:
    """The language of this command: the flag, else FAKA_DRILL_LANG, else the locale."""
    env = os.environ if environ is None else environ
    if flag:
        return _valid(flag, "--lang", "pass --lang zh or --lang en")
    if env.get(ENV_VAR, "").strip():
        return _valid(env[ENV_VAR], ENV_VAR, f"set {ENV_VAR}=zh or {ENV_VAR}=en, or unset it")
    return lang_of_locale(env)
