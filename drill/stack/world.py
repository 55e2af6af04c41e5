"""A fixed world: every fake and proxy listener at a known port, so a shop configured once
keeps working across drills.

`--world-ports BASE` puts component k of `LAYOUT` at BASE+k; `--world FILE` reads the
same from TOML (`base_port`, and optionally the gateway's `pid`/`key`). Without either
every port is ephemeral (the harness configures its own reference shop). A port that is
taken is refused before anything starts, naming the component and the fix.
"""

from __future__ import annotations

import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path

from drill.components import (
    DB,
    GATEWAY,
    GATEWAY_NOTIFY,
    GATEWAY_QUERY,
    IM,
    SINK,
    SMTP,
    SUPPLIER_LINKS,
    SUPPLIERS,
    supplier_component,
)
from drill.errors import StackError
from drill.stack.credentials import GATEWAY_KEY, GATEWAY_PID, supplier_credentials

SINK_SMTP = "sink-smtp"
# Component (fake, or Toxiproxy link) -> offset from the base port. Append only: a shop
# configured with an older layout keeps its addresses.
LAYOUT: tuple[str, ...] = (
    GATEWAY, *(supplier_component(n) for n in SUPPLIERS), SINK, SINK_SMTP,
    GATEWAY_QUERY, *SUPPLIER_LINKS.values(), IM, SMTP, GATEWAY_NOTIFY, DB)
HOST = "127.0.0.1"


@dataclass(frozen=True)
class WorldSpec:
    """Fixed ports (None: ephemeral) and the merchant credentials the gateway fake uses."""

    base_port: int | None = None
    pid: str = GATEWAY_PID
    key: str = GATEWAY_KEY
    source: str = ""  # where it came from, for messages: "--world-ports 47000" or a path

    def __post_init__(self) -> None:
        if self.base_port is not None and not 1024 <= self.base_port <= 65535 - len(LAYOUT):
            raise StackError(f"{self.source or 'world'}: base port {self.base_port} is out of "
                             f"range", hint=f"give a BASE in 1024..{65535 - len(LAYOUT)}")

    @property
    def fixed(self) -> bool:
        return self.base_port is not None

    def port(self, name: str) -> int:
        """The fixed port of `name` (a name of `LAYOUT`), 0 when the world is ephemeral."""
        if self.base_port is None:
            return 0
        return self.base_port + LAYOUT.index(name)

    def listen(self, name: str) -> str:
        return f"{HOST}:{self.port(name)}"

    def url(self, name: str) -> str:
        return f"http://{self.listen(name)}"

    def supplier_keys(self, name: str) -> tuple[str, str]:
        return supplier_credentials(name)


def from_ports(base: int | None) -> WorldSpec:
    return WorldSpec(base, source=f"--world-ports {base}") if base is not None else WorldSpec()


def load_world_file(path: str | Path) -> WorldSpec:
    """A world file (TOML): `base_port = 47000`, optional `[gateway] pid = .., key = ..`."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StackError(f"--world {p}: cannot read it: {exc}",
                         hint="write e.g. `base_port = 47000` (harness.py world --print --format "
                              "toml writes one)") from None
    base, gw = raw.get("base_port"), raw.get("gateway") or {}
    if not isinstance(base, int) or not isinstance(gw, dict):
        raise StackError(f"--world {p}: base_port must be an integer and [gateway] a table",
                         hint="e.g. base_port = 47000")
    unknown = sorted(set(raw) - {"base_port", "gateway"}) + sorted(set(gw) - {"pid", "key"})
    if unknown:
        raise StackError(f"--world {p}: unknown key(s) {unknown}",
                         hint="known: base_port, [gateway] pid, key")
    return WorldSpec(base, str(gw.get("pid", GATEWAY_PID)), str(gw.get("key", GATEWAY_KEY)),
                     source=str(p))


def world_spec(world_ports: int | None, world_file: str | None) -> WorldSpec:
    if world_ports is not None and world_file:
        raise StackError("give --world-ports or --world, not both")
    return load_world_file(world_file) if world_file else from_ports(world_ports)


def refuse_taken_ports(spec: WorldSpec, names: tuple[str, ...] = LAYOUT) -> None:
    """Raise `StackError` naming every fixed port another process holds (nothing started).

    Bound with SO_REUSEADDR like every server of the world (runtime/serve.py, the proxy):
    the connections a shop kept to the previous drill's world linger in TIME_WAIT on
    these ports, and only a listener really holds one."""
    if not spec.fixed:
        return
    taken = []
    for name in names:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((HOST, spec.port(name)))
            except OSError:
                taken.append(f"{spec.port(name)} ({name})")
    if taken:
        raise StackError(f"{spec.source}: port(s) already in use: {', '.join(taken)}",
                         hint="stop what holds them (an earlier `harness.py serve`?) or pick "
                              "another BASE; the shop must then be configured with the new "
                              "addresses (harness.py world --print)")
