"""Typed, validated behaviour switches ("knobs") shared by every fake.

Each fake declares its knobs once as `Knob`s (its package's public ``KNOBS``);
the same table validates the ``--behaviour JSON`` start-up flag and
``PUT /_fake/behaviour``, is served by ``GET /_fake/knobs``, lets a scenario
validator check a fault's knobs before anything starts (`Knob.check`), and
restores the start-up values on reset. A bad key or value is refused with a
message naming the key, the value and the choices.
"""

from __future__ import annotations

import json
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


class Behaviour:
    """Current behaviour values; read them as ``b["lost"]``."""

    def __init__(self, knobs: Mapping[str, Knob], startup: dict[str, Any] | None = None) -> None:
        self.knobs = knobs
        self._startup = validate_patch(knobs, startup or {})
        self.values: dict[str, Any] = {}
        self.reset()

    def validate(self, patch: Any) -> dict[str, Any]:
        return validate_patch(self.knobs, patch)

    def update(self, patch: Any) -> dict[str, Any]:
        clean = self.validate(patch)
        self.values.update(clean)
        return clean

    def reset(self) -> None:
        self.values = {k: knob.default for k, knob in self.knobs.items()}
        self.values.update(self._startup)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def parse_behaviour_arg(text: str | None) -> dict[str, Any]:
    """The ``--behaviour`` flag: inline JSON or ``@path/to/file.json``."""
    if not text:
        return {}
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as fh:
            text = fh.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: --behaviour is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SystemExit("error: --behaviour must be a JSON object")
    return data
