"""Append-only in-memory ledgers with offset paging.

A drill can hold 100k+ entries per ledger; a list slice is O(limit), so paging
stays fast no matter how long the run. Entries are plain dicts so they
serialise straight to JSON (and to the run folder's JSONL files).
"""

from __future__ import annotations

from typing import Any

MAX_PAGE = 10_000


class Ledger:
    """Several named append-only lists (e.g. ``payments`` and ``notifies``)."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds
        self._lists: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}

    def add(self, kind: str, item: dict[str, Any]) -> dict[str, Any]:
        self._lists[kind].append(item)
        return item

    def items(self, kind: str) -> list[dict[str, Any]]:
        return self._lists[kind]

    def count(self, kind: str) -> int:
        return len(self._lists[kind])

    def clear(self) -> None:
        for lst in self._lists.values():
            lst.clear()

    def page(self, kind: str, offset: int, limit: int) -> dict[str, Any]:
        """One page: ``{"items", "total", "offset", "next_offset"}`` (next is None at the end)."""
        if kind not in self._lists:
            raise KeyError(kind)
        lst = self._lists[kind]
        limit = max(0, min(limit, MAX_PAGE))
        offset = max(0, offset)
        chunk = lst[offset : offset + limit]
        end = offset + len(chunk)
        return {
            "kind": kind,
            "items": chunk,
            "total": len(lst),
            "offset": offset,
            "next_offset": end if end < len(lst) else None,
        }
