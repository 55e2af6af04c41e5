"""runtime's public surface is exactly its sorted `__all__` (httpx's test_exported_members)."""

from __future__ import annotations

import types

import runtime


def test_all_is_sorted_and_names_every_public_binding() -> None:
    public = sorted(
        name for name, value in vars(runtime).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
        and name != "annotations"
    )
    assert runtime.__all__ == public
