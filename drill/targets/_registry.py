"""Which adapters exist: the shipped ones by name, a user's by file path or module:Class."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from drill.targets._adapter import TargetAdapter
from drill.targets._world import World

SHIPPED: Mapping[str, str] = {
    "kamifaka": "drill.targets.kamifaka:KamifakaAdapter",
    "reference": "drill.targets.reference:ReferenceAdapter",
}


class TargetNotFound(LookupError):
    """No adapter by that name, path or module:Class."""


def _from_file(path: Path) -> type[TargetAdapter]:
    spec = importlib.util.spec_from_file_location(f"faka_target_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise TargetNotFound(f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and typing look the module up by name
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[spec.name]
        raise
    found = [v for v in vars(module).values() if isinstance(v, type)
             and issubclass(v, TargetAdapter) and v is not TargetAdapter
             and v.__module__ == module.__name__]
    if len(found) != 1:
        raise TargetNotFound(f"{path} must define exactly one TargetAdapter subclass "
                             f"(found {[c.__name__ for c in found]})")
    return found[0]


def _from_spec(spec: str) -> type[TargetAdapter]:
    module_name, _, attr = spec.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise TargetNotFound(f"cannot load adapter {spec!r}: {exc}") from exc
    if not (isinstance(obj, type) and issubclass(obj, TargetAdapter)):
        raise TargetNotFound(f"{spec!r} is not a TargetAdapter subclass")
    return obj


def adapter_class(target: str, search: Sequence[Path] = (Path("targets"),)
                  ) -> type[TargetAdapter]:
    """A shipped name, a `.py` file, NAME found as `<dir>/NAME.py` in `search`, or module:Class."""
    if target in SHIPPED:
        return _from_spec(SHIPPED[target])
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise TargetNotFound(f"no adapter file {target!r}")
        return _from_file(path)
    if ":" in target:
        return _from_spec(target)
    for folder in search:
        if (folder / f"{target}.py").is_file():
            return _from_file(folder / f"{target}.py")
    where = ", ".join(str(f / f"{target}.py") for f in search)
    raise TargetNotFound(f"unknown target {target!r}: shipped are {sorted(SHIPPED)}; "
                         f"also looked for {where}; `target new {target}` writes one")


def make_adapter(target: str, url: str, world: World, options: Mapping[str, str] | None = None,
                 search: Sequence[Path] = (Path("targets"),)) -> TargetAdapter:
    return adapter_class(target, search)(url, world, options)


def shipped_targets() -> list[tuple[str, str]]:
    """(name, title) of every shipped adapter, for `target list`."""
    return [(name, adapter_class(name).title) for name in sorted(SHIPPED)]
