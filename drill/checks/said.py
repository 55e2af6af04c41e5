"""A checker's sentence that knows its words: English text for machines, a key for people.

A checker writes `said("no-loss.ok", paid=330, ...)`: the result *is* the English
string summary.json has always carried (`Said` subclasses `str`, so tests,
trends and `detail` readers see no change), and it also remembers the
catalogue key and the figures (`neutral`), so report.html, the console and
JUnit can say the same facts in Chinese (drill.checks.detail_text). A param
may itself be a `Said` (a translated phrase) or a list of them.
"""

from __future__ import annotations

from typing import Any

from drill.checks.detail_text import TEXTS
from drill.i18n import Lang

__all__ = ["JOIN", "Said", "joined", "neutral", "render", "said"]

JOIN = "join"  # the one key not in the catalogue: params {"items": [...], "sep": "; " | ", "}
ZH_SEP = {"; ": "；", ", ": "、"}

Neutral = dict[str, Any]  # {"key": str, "params": {name: value | Neutral | [..]}}


class Said(str):
    """The English sentence, carrying the key and params it was made from."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, params: dict[str, Any]) -> Said:
        if key == JOIN:
            text = str(params["sep"]).join(_plain(v) for v in params["items"])
        else:
            text = TEXTS[key].en.format(**{k: _plain(v) for k, v in params.items()})
        self = super().__new__(cls, text)
        self.key, self.params = key, params
        return self


def said(key: str, **params: Any) -> Said:
    """The sentence `key` of the catalogue with `params` (KeyError for an unknown key)."""
    return Said(key, params)


def joined(items: list[Said] | list[str], sep: str = "; ") -> Said:
    """Several sentences as one ("; " or ", " in English, "；" or "、" in Chinese)."""
    return Said(JOIN, {"items": list(items), "sep": sep})


def _plain(value: Any) -> Any:
    """A param as the English template sees it: phrases as their English text."""
    return str.__str__(value) if isinstance(value, Said) else value


def _neutral_value(value: Any) -> Any:
    if isinstance(value, Said):
        return neutral(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_neutral_value(v) for v in items]
    if isinstance(value, dict):
        return {str(k): _neutral_value(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def neutral(text: Said) -> Neutral:
    """The language-neutral form, JSON-ready, for summary.json (`detail_msg`, `reason_msg`)."""
    return {"key": text.key, "params": {k: _neutral_value(v) for k, v in text.params.items()}}


def _is_msg(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("key"), str) and "params" in value


def _rendered(value: Any, lang: Lang) -> Any:
    if _is_msg(value):
        return render(value, lang)
    if isinstance(value, list) and value and all(_is_msg(v) for v in value):
        return ("、" if lang == "zh" else ", ").join(render(v, lang) for v in value)
    return value


def render(msg: Neutral, lang: Lang) -> str:
    """A neutral message in `lang`; KeyError/ValueError when the catalogue cannot say it."""
    params = dict(msg.get("params") or {})
    if msg["key"] == JOIN:
        sep = str(params.get("sep", "; "))
        sep = ZH_SEP.get(sep, sep) if lang == "zh" else sep
        return sep.join(str(_rendered(v, lang)) for v in params.get("items") or [])
    return TEXTS[str(msg["key"])].say(lang, **{str(k): _rendered(v, lang)
                                                 for k, v in params.items()})
