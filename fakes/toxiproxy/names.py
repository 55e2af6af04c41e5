"""Which proxy and toxic names are accepted: only those a client can address again.

Go's Toxiproxy takes any non-empty string, so a 1 MB name or one holding ``/``
could be created but never fetched or deleted (the name is a URL path
segment).  We refuse, with a 400 saying why, names that are over 255 bytes of
UTF-8, contain ``/`` or a control character, or are ``.``/``..`` (clients
normalise those out of paths).  Everything else, spaces, ``?``, ``#``, ``%``
and non-ASCII included, works when the client percent-encodes the segment.
"""

from __future__ import annotations

from fakes.toxiproxy.errors import ERR_INVALID_NAME

MAX_NAME_BYTES = 255


def _problem(name: str) -> str | None:
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return f"{size} bytes long, at most {MAX_NAME_BYTES} allowed; use a shorter name"
    if "/" in name:
        return "contains '/', which cannot be used in a URL path segment; use '-' or '_'"
    bad = next((ch for ch in name if ord(ch) < 0x20 or ord(ch) == 0x7F), None)
    if bad is not None:
        return f"contains the control character {bad!r}; use printable characters only"
    if name in (".", ".."):
        return f"{name!r} is removed from URL paths by clients; choose another name"
    return None


def check_name(name: str, what: str, suffix: str = "") -> None:
    """Raise a 400 naming what is wrong with `name` (`what` is "proxy" or "toxic")."""
    problem = _problem(name)
    if problem is not None:
        raise ERR_INVALID_NAME.joined(f"{what} name {problem}{suffix}")
