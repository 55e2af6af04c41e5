"""Scenario files: find one by name, read its TOML, validate it, and list them all.

Every problem is reported as
``<file>: <field.path> = <value>: <what is wrong>; <how to fix>``.
"""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from drill.errors import ScenarioError
from drill.scenario.model import Scenario
from drill.scenario.rules import scenario_problems
from drill.scenario.service import FIELD_MARK

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


def _message(err: ErrorDetails) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        return "unknown key; remove it or fix its spelling (see scenarios/README.md)"
    if kind == "missing":
        return "is required; add it"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") and isinstance(value, str):
        return f"{msg}; it is a quoted string: write the value without quotes"
    if kind.endswith("_type") and isinstance(value, bool):
        return f"{msg}; true/false is not a number"
    return msg


def _problem(err: ErrorDetails) -> str:
    where, value = _loc(tuple(err["loc"])), err.get("input")
    msg = _message(err)
    if msg.startswith(FIELD_MARK):          # a cross-field rule naming its own field
        field, _, rest = msg[1:].partition(FIELD_MARK)
        prefix = "" if where == "(top level)" else f"{where}."
        return f"{prefix}{field}{rest}"
    shown = "" if isinstance(value, dict) or err["type"] == "missing" else f" = {value!r}"
    return f"{where}{shown}: {msg}"


def _problems(exc: ValidationError) -> list[str]:
    errors = exc.errors()
    return [_problem(err) for err in errors if not (
        err["type"] == "too_short" and any(  # the items themselves are reported
            len(e["loc"]) > len(err["loc"]) and e["loc"][: len(err["loc"])] == err["loc"]
            for e in errors))]


def _tuples(value: Any) -> Any:
    """TOML arrays as tuples (strict mode takes only tuples for tuple fields)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _read(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raise ScenarioError(str(path), [
            "starts with a UTF-8 BOM (byte-order mark), which TOML does not allow; save the "
            "file as UTF-8 without BOM (editors call it 'UTF-8', not 'UTF-8 with BOM')"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), [
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as "
            "UTF-8 (a GBK or Latin-1 file must be converted)"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [f"not valid TOML: {exc}"]) from None


def resolve(name_or_path: str) -> Path:
    """A scenario name from scenarios/ (`smoke`) or a path to a .toml file."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return p
    return SCENARIO_DIR / f"{name_or_path}.toml"


def load_scenario(name_or_path: str, *, db_url: str | None = None, for_run: bool = False,
                  **overrides: Any) -> Scenario:
    """Read, validate everything (also knobs and the fault timeline) and return the scenario.

    `db_url` is the shop database the run will use: faults on the `db` link need
    one the proxy can stand in front of (PostgreSQL, MariaDB/MySQL). Overrides win over the file.
    """
    path = resolve(name_or_path)
    try:
        data = _read(path)
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
        raise ScenarioError(str(path), [f"no such file; known scenarios: {known}"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read: {exc}"]) from None
    data = _tuples(data)
    data.update({k: v for k, v in overrides.items() if v is not None})
    data.update(name=path.stem, path=str(path))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), _problems(exc)) from None
    problems = scenario_problems(scenario, db_url=db_url, for_run=for_run)
    if problems:
        raise ScenarioError(str(path), problems)
    return scenario


def list_scenarios() -> list[Scenario | ScenarioError]:
    out: list[Scenario | ScenarioError] = []
    for p in sorted(SCENARIO_DIR.glob("*.toml")):
        try:
            out.append(load_scenario(str(p)))
        except ScenarioError as exc:
            out.append(exc)
    return out
