"""Each package's `__all__` is sorted and names exactly what it binds (httpx's check)."""

from __future__ import annotations

import types

import pytest

import fakes.toxiproxy
import fakes.toxiproxy.toxics


@pytest.mark.parametrize("package", [fakes.toxiproxy, fakes.toxiproxy.toxics],
                         ids=lambda p: p.__name__)
def test_all_is_sorted_and_complete(package: types.ModuleType) -> None:
    bound = sorted(
        name for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
        and name != "annotations"
    )
    assert package.__all__ == sorted(package.__all__)
    assert package.__all__ == bound
