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
from collections.abc import Mapping
from typing import Any

from fakes._knobs import BehaviourError, Knob, KnobKind, knob_table, validate_patch

__all__ = ["Behaviour", "BehaviourError", "Knob", "KnobKind", "knob_table", "parse_behaviour_arg",
           "validate_patch"]


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
