"""Each fake package's ``__all__`` is exactly its public names, sorted (as httpx checks)."""

from __future__ import annotations

import importlib
import types

import pytest

PACKAGES = ["fakes", "fakes._common", "fakes.payment", "fakes.supplier", "fakes.sink"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_the_sorted_public_surface(name: str) -> None:
    pkg = importlib.import_module(name)
    public = sorted(n for n, v in vars(pkg).items() if not n.startswith("_")
                    and not isinstance(v, types.ModuleType) and n != "annotations")
    assert pkg.__all__ == public
