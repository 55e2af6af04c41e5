"""Scenario files: find one by name, read its TOML, validate it, and list them all.

Every problem is reported as
``<file>: <field.path> = <value>: <what is wrong>; <how to fix>``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from drill.errors import ScenarioError
from drill.scenario.model import Scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "tuple[")):
            continue
        else:
            out += ("." if out else "") + ("for" if part == "for_" else str(part))
    return out or "(top level)"


def _problems(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    out = []
    errors = exc.errors()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "too_short" and any(
            len(e["loc"]) > len(loc) and tuple(e["loc"][: len(loc)]) == loc for e in errors
        ):
            continue  # the items themselves are reported
        where = _loc(loc)
        value = err.get("input")
        shown = "" if isinstance(value, dict) or err["type"] == "missing" else f" = {value!r}"
        if err["type"] == "extra_forbidden":
            msg = "unknown key; remove it or fix its spelling (see scenarios/README.md)"
        elif err["type"] == "missing":
            msg = "is required; add it"
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{where}{shown}: {msg}")
    return out


def resolve(name_or_path: str) -> Path:
    """A scenario name from scenarios/ (`smoke`) or a path to a .toml file."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return p
    return SCENARIO_DIR / f"{name_or_path}.toml"


def load_scenario(name_or_path: str, **overrides: Any) -> Scenario:
    """Read, validate (also the fault timeline) and return the scenario; overrides win."""
    path = resolve(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
        raise ScenarioError(str(path), [f"no such file; known scenarios: {known}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [f"not valid TOML: {exc}"]) from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    data.update(name=path.stem, path=str(path))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), _problems(exc, data)) from None
    from drill.faults.plan import validate_faults  # the timeline knows its targets

    validate_faults(scenario)
    return scenario


def list_scenarios() -> list[Scenario | ScenarioError]:
    out: list[Scenario | ScenarioError] = []
    for p in sorted(SCENARIO_DIR.glob("*.toml")):
        try:
            out.append(load_scenario(str(p)))
        except ScenarioError as exc:
            out.append(exc)
    return out
