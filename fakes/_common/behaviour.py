"""Typed, validated behaviour switches shared by every fake.

Each fake declares its knobs once as `Knob`s; the same table validates the
``--behaviour JSON`` start-up flag and ``PUT /_fake/behaviour``, documents the
knobs in GET responses, and restores the start-up values on reset. A bad key
or value is refused with a message naming the key, the value and the choices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Knob:
    """One behaviour switch. kind: prob | float | int | bool | choice | intlist | strlist."""

    default: Any
    kind: str
    help: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = 0.0


class BehaviourError(ValueError):
    pass


def _check(name: str, knob: Knob, value: Any) -> Any:
    where = f"behaviour {name!r}={value!r}"
    if knob.kind == "bool":
        if not isinstance(value, bool):
            raise BehaviourError(f"{where} is not a bool (true/false)")
        return value
    if knob.kind in ("prob", "float", "int"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BehaviourError(f"{where} is not a number")
        if knob.kind == "int" and not float(value).is_integer():
            raise BehaviourError(f"{where} is not an integer")
        if knob.kind == "prob" and not 0.0 <= value <= 1.0:
            raise BehaviourError(f"{where} is a probability and must be within 0..1")
        if knob.minimum is not None and value < knob.minimum:
            raise BehaviourError(f"{where} must be >= {knob.minimum}")
        return int(value) if knob.kind == "int" else float(value)
    if knob.kind == "choice":
        if value not in knob.choices:
            raise BehaviourError(f"{where} is not one of {list(knob.choices)}")
        return value
    if knob.kind in ("intlist", "strlist"):
        elem = int if knob.kind == "intlist" else str
        if not isinstance(value, list) or not all(
            isinstance(v, elem) and not isinstance(v, bool) for v in value
        ):
            raise BehaviourError(f"{where} is not a list of {elem.__name__}")
        if knob.choices and any(v not in knob.choices for v in value):
            raise BehaviourError(f"{where} has items outside {list(knob.choices)}")
        return list(value)
    raise BehaviourError(f"knob {name!r} has unknown kind {knob.kind!r}")  # pragma: no cover


class Behaviour:
    """Current behaviour values; read them as ``b["lost"]`` or ``b.get(...)``."""

    def __init__(self, knobs: dict[str, Knob], startup: dict[str, Any] | None = None) -> None:
        self.knobs = knobs
        self._startup = self.validate(startup or {})
        self.values: dict[str, Any] = {}
        self.reset()

    def validate(self, patch: Any) -> dict[str, Any]:
        if not isinstance(patch, dict):
            raise BehaviourError("behaviour must be a JSON object of {knob: value}")
        out: dict[str, Any] = {}
        for key, value in patch.items():
            knob = self.knobs.get(key)
            if knob is None:
                raise BehaviourError(f"unknown behaviour {key!r}; known: {sorted(self.knobs)}")
            out[key] = _check(key, knob, value)
        return out

    def update(self, patch: Any) -> dict[str, Any]:
        clean = self.validate(patch)
        self.values.update(clean)
        return clean

    def reset(self) -> None:
        self.values = {k: knob.default for k, knob in self.knobs.items()}
        self.values.update(self._startup)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def describe(self) -> dict[str, Any]:
        return {
            k: {"kind": kn.kind, "default": kn.default, "help": kn.help,
                **({"choices": list(kn.choices)} if kn.choices else {})}
            for k, kn in self.knobs.items()
        }


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
