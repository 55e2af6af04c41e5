"""How faka-drill's processes start, announce readiness and stop.

Both sides of one tiny protocol live here: a child binds 127.0.0.1 (port 0 is
fine), prints one line ``READY {"port": N, ...}`` on stdout once it accepts
connections, and exits cleanly on SIGTERM.  The parent (`ManagedProcess`)
waits for that line, never for a sleep.  No child outlives its parent
(`die_with_parent`), and `PrivateDockerd` is a Docker daemon of our own for
container chaos.
"""

from runtime.dockerd import DockerdError, PrivateDockerd
from runtime.loopback import NonLoopbackError, ensure_loopback
from runtime.orphans import die_with_parent, tie_to_parent
from runtime.process import ManagedProcess, ProcessError

__all__ = [
    "DockerdError",
    "ManagedProcess",
    "NonLoopbackError",
    "PrivateDockerd",
    "ProcessError",
    "die_with_parent",
    "ensure_loopback",
    "tie_to_parent",
]
