"""An HttpClient answering literal replies in order, for in-process adapter tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drill.targets import HttpReply


class Scripted:
    """An HttpClient answering from a list of literal replies, recording each request."""

    def __init__(self, *replies: HttpReply) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[str, str, Any]] = []

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        self.calls.append(("GET", url, params))
        return self.replies.pop(0)

    def post(self, url: str, *, json: Any = None, form: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        self.calls.append(("POST", url, json if form is None else form))
        return self.replies.pop(0)
