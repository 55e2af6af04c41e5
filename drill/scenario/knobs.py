"""The fakes' behaviour knobs, checked before anything starts.

Each fake publishes its knob table (`fakes.payment.KNOBS`, …); a scenario's
start-up `behaviour` and every `behaviour` fault are checked against the same
table the fake itself enforces, so a misspelt or out-of-range knob is refused
with the field's path instead of being ignored mid-drill.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drill.components import FAKES, GATEWAY, SINK
from fakes import BehaviourError, Knob
from fakes.payment import KNOBS as GATEWAY_KNOBS
from fakes.sink import KNOBS as SINK_KNOBS
from fakes.supplier import KNOBS as SUPPLIER_KNOBS

__all__ = ["KNOBS_BY_FAKE", "knob_problems"]

KNOBS_BY_FAKE: Mapping[str, Mapping[str, Knob]] = {
    name: GATEWAY_KNOBS if name == GATEWAY else SINK_KNOBS if name == SINK else SUPPLIER_KNOBS
    for name in FAKES
}


def knob_problems(fake: str, patch: Mapping[str, Any], where: str) -> list[str]:
    """Every unknown knob and bad value of `patch` for `fake`, each naming its path."""
    knobs = KNOBS_BY_FAKE[fake]
    out = []
    for key, value in patch.items():
        knob = knobs.get(key)
        if knob is None:
            known = ", ".join(sorted(knobs))
            out.append(f"{where}: unknown knob {key!r} for {fake}; known: {known}")
            continue
        try:
            knob.check(key, list(value) if isinstance(value, tuple) else value)
        except BehaviourError as exc:
            out.append(f"{where}.{key} = {value!r}: {exc}")
    return out
