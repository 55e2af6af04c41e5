"""The conformance report of `target check`: what works, what is missing, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from drill.targets._abilities import Ability
from drill.targets._adapter import TargetAdapter

Verdict = Literal["pass", "fail", "unknown"]
Lang = Literal["en", "zh"]
_MARK = {"pass": "ok  ", "fail": "FAIL", "unknown": "??  "}
_WORD = {"en": {"pass": "works", "fail": "broken", "unknown": "unknown"},
         "zh": {"pass": "正常", "fail": "有问题", "unknown": "无法判断"}}


@dataclass(frozen=True, slots=True)
class Probe:
    """One probe's outcome, said in English and Chinese, with the evidence seen."""

    name: str
    verdict: Verdict
    en: str
    zh: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AbilityLine:
    ability: Ability
    present: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ConformanceReport:
    target: str
    url: str
    abilities: tuple[AbilityLine, ...]
    probes: tuple[Probe, ...]

    @property
    def passed(self) -> bool:
        """Every probe passed (an unknown is not a pass)."""
        return all(p.verdict == "pass" for p in self.probes)

    def probe(self, name: str) -> Probe:
        for p in self.probes:
            if p.name == name:
                return p
        raise KeyError(f"no probe {name!r}; probes: {[p.name for p in self.probes]}")

    @property
    def missing(self) -> tuple[Ability, ...]:
        return tuple(a.ability for a in self.abilities if not a.present)

    def render(self, lang: Lang = "en") -> str:
        zh = lang == "zh"
        words = _WORD[lang]
        head = (f"目标 {self.target} ({self.url}) 一致性检查" if zh
                else f"target {self.target} ({self.url}): conformance check")
        lines = [head, ""]
        for p in self.probes:
            lines.append(f"  [{_MARK[p.verdict]}] {p.name}: {words[p.verdict]} — "
                         f"{p.zh if zh else p.en}")
        have = [a.ability.value for a in self.abilities if a.present]
        lines += ["", ("具备的能力: " if zh else "abilities present: ") + ", ".join(have)]
        lacking = [a for a in self.abilities if not a.present]
        if lacking:
            lines.append("缺少的能力:" if zh else "abilities missing:")
            lines += [f"  - {a.ability.value}: {a.reason}" for a in lacking]
        else:
            lines.append("没有缺少的能力。" if zh else "no ability is missing.")
        return "\n".join(lines)


def ability_lines(adapter: TargetAdapter) -> tuple[AbilityLine, ...]:
    return tuple(AbilityLine(a, a in adapter.abilities,
                             "" if a in adapter.abilities
                             else adapter.reasons.get(a, "not implemented by the adapter"))
                 for a in Ability)
