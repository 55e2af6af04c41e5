"""Every package's public surface is a checked, sorted `__all__` (as in httpx's test).

`__all__` must equal exactly the public names the package binds: not starting
with "_", not a submodule, not `annotations` (from `from __future__ import`).
A package whose `__init__` has no `__all__` fails.
"""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

ROOTS = ("drill", "delivery", "fakes", "runtime")


def _packages() -> list[str]:
    names = []
    for root in ROOTS:
        pkg = importlib.import_module(root)
        names.append(root)
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=f"{root}.")
                  if m.ispkg]
    return sorted(names)


def public_names(pkg: types.ModuleType) -> list[str]:
    return sorted(n for n, v in vars(pkg).items() if not n.startswith("_")
                  and not isinstance(v, types.ModuleType) and n != "annotations")


@pytest.mark.parametrize("name", _packages())
def test_all_lists_exactly_the_public_names_sorted(name: str) -> None:
    pkg = importlib.import_module(name)
    exported = getattr(pkg, "__all__", None)
    assert exported is not None, f"{name}/__init__.py has no __all__; list its public names"
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    assert list(exported) == public_names(pkg), (
        f"{name}.__all__ differs from the names it binds: add or remove "
        f"{sorted(set(exported) ^ set(public_names(pkg)))}")
