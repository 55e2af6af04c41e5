"""Each delivery package's `__all__` is sorted and names exactly its public bindings
(in the style of httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import importlib
import types

import pytest

PACKAGES = ["delivery", "delivery.api", "delivery.db", "delivery.store"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    pkg = importlib.import_module(name)
    public = sorted(n for n, v in vars(pkg).items() if not n.startswith("_")
                    and not isinstance(v, types.ModuleType) and n != "annotations")
    assert pkg.__all__ == public
    assert pkg.__all__ == sorted(pkg.__all__)
