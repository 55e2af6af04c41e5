"""Behaviour knobs: one typed, range-checked switch of a fake, and a patch of them.

Kept outside `fakes._common` (which pulls in Starlette) so that ``import fakes``
stays light for a scenario validator that only checks knob names and values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

KnobKind = Literal["prob", "float", "int", "bool", "choice", "intlist", "strlist"]


class BehaviourError(ValueError):
    """A behaviour patch names an unknown knob or a value outside the knob's range."""


@dataclass(frozen=True, slots=True)
class Knob:
    """One behaviour switch.

    kind: ``prob`` (0..1), ``float``, ``int``, ``bool``, ``choice`` (one of
    `choices`), ``intlist``/``strlist`` (lists, items within `choices` when
    given). Numbers must lie within `minimum`..`maximum` (None: unbounded).
    """

    default: Any
    kind: KnobKind
    help: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = 0.0
    maximum: float | None = None

    def check(self, name: str, value: Any) -> Any:
        """The value normalised (int/float/list), or `BehaviourError` saying what is allowed."""
        where = f"behaviour {name!r}={_short(value)}"
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise BehaviourError(f"{where} is not a bool (true/false)")
            return value
        if self.kind in ("prob", "float", "int"):
            return self._number(where, value)
        if self.kind == "choice":
            if isinstance(value, list | dict) or value not in self.choices:
                raise BehaviourError(f"{where} is not one of {list(self.choices)}")
            return value
        elem = int if self.kind == "intlist" else str
        if not isinstance(value, list) or not all(
            isinstance(v, elem) and not isinstance(v, bool) for v in value
        ):
            raise BehaviourError(f"{where} is not a list of {elem.__name__}")
        if self.choices and any(v not in self.choices for v in value):
            raise BehaviourError(f"{where} has items outside {list(self.choices)}")
        return list(value)

    def _number(self, where: str, value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BehaviourError(f"{where} is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise BehaviourError(f"{where} is not a finite number")
        if self.kind == "int" and not float(value).is_integer():
            raise BehaviourError(f"{where} is not an integer")
        if self.kind == "prob" and not 0.0 <= value <= 1.0:
            raise BehaviourError(f"{where} is a probability and must be within 0..1")
        if self.minimum is not None and value < self.minimum:
            raise BehaviourError(f"{where} must be >= {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise BehaviourError(f"{where} must be <= {self.maximum:g}")
        return int(value) if self.kind == "int" else float(value)

    def describe(self) -> dict[str, Any]:
        """JSON view: kind, default, help, and the range or choices that apply."""
        out: dict[str, Any] = {"kind": self.kind, "default": self.default, "help": self.help}
        if self.kind in ("float", "int"):
            out["minimum"], out["maximum"] = self.minimum, self.maximum
        if self.kind == "prob":
            out["minimum"], out["maximum"] = 0.0, 1.0
        if self.choices:
            out["choices"] = list(self.choices)
        return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def knob_table(knobs: Mapping[str, Knob]) -> dict[str, dict[str, Any]]:
    """name -> `Knob.describe()`, as GET /_fake/knobs serves it."""
    return {name: knob.describe() for name, knob in knobs.items()}


def validate_patch(knobs: Mapping[str, Knob], patch: Any) -> dict[str, Any]:
    """Check a {knob: value} patch against `knobs`; unknown knobs are named with the known."""
    if not isinstance(patch, dict):
        raise BehaviourError("behaviour must be a JSON object of {knob: value}")
    out: dict[str, Any] = {}
    for key, value in patch.items():
        knob = knobs.get(key)
        if knob is None:
            raise BehaviourError(f"unknown behaviour {_short(key)}; known: {sorted(knobs)}")
        out[key] = knob.check(key, value)
    return out
