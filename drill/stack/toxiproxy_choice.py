"""Which Toxiproxy a drill uses, and how it is started.

Choice, first match wins: ``--toxiproxy embedded`` -> the embedded server;
``--toxiproxy URL`` or ``TOXIPROXY_URL`` -> that real server (loopback unless
allowed); a ``toxiproxy-server`` on PATH -> started by us; else embedded.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from drill.components import TOXIPROXY
from drill.errors import TargetError
from runtime import ManagedProcess, NonLoopbackError, ensure_loopback


@dataclass
class ToxiproxyChoice:
    kind: str                         # embedded | real
    url: str | None = None            # an already running server
    binary: str | None = None         # toxiproxy-server to start


def choose_toxiproxy(option: str | None, *, allow_non_loopback: bool = False) -> ToxiproxyChoice:
    option = option or os.environ.get("TOXIPROXY_URL") or None
    if option == "embedded":
        return ToxiproxyChoice("embedded")
    if option:
        if "://" not in option:
            option = f"http://{option}"
        try:
            ensure_loopback(option, allow=allow_non_loopback, what="--toxiproxy")
        except NonLoopbackError as exc:
            raise TargetError(str(exc)) from None
        return ToxiproxyChoice("real", url=option.rstrip("/"))
    binary = shutil.which("toxiproxy-server")
    return ToxiproxyChoice("real", binary=binary) if binary else ToxiproxyChoice("embedded")


def toxiproxy_process(choice: ToxiproxyChoice, log_dir: Path) -> ManagedProcess | None:
    if choice.url:
        return None
    argv = [sys.executable, "-m", "fakes.toxiproxy", "--host", "127.0.0.1", "--port", "0"]
    if choice.binary:
        argv = [sys.executable, "-m", "drill.stack.toxiproxy_shim", choice.binary]
    return ManagedProcess(TOXIPROXY, argv, log_path=log_dir / "toxiproxy.log")
