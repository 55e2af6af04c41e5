"""Refuse to bind or target anything but loopback unless the user opts in."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

OPT_IN_HINT = "pass --allow-non-loopback (or FAKA_DRILL_ALLOW_NON_LOOPBACK=1) if you really mean it"


class NonLoopbackError(ValueError):
    """A host or URL points off this machine and the user did not opt in."""


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False
        return bool(infos) and all(
            ipaddress.ip_address(str(info[4][0])).is_loopback for info in infos
        )


def ensure_loopback(target: str, *, allow: bool = False, what: str = "target") -> None:
    """Raise `NonLoopbackError` when `target` (host or URL) is not loopback."""
    if allow:
        return
    host = urlsplit(target).hostname if "://" in target else target.rsplit(":", 1)[0]
    if not host or not is_loopback_host(host):
        raise NonLoopbackError(
            f"{what} {target!r} is not on loopback (127.0.0.0/8, ::1); {OPT_IN_HINT}"
        )
