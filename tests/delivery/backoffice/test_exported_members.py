"""The package's __all__ is sorted and names exactly what it binds (httpx's check)."""

from __future__ import annotations

import types

import delivery.backoffice as pkg


def test_all_is_sorted_and_complete() -> None:
    public = sorted(n for n, v in vars(pkg).items() if not n.startswith("_")
                    and not isinstance(v, types.ModuleType) and n != "annotations")
    assert pkg.__all__ == public == sorted(pkg.__all__)
