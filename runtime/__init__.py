"""How faka-drill's processes start, announce readiness and stop.

Both sides of one tiny protocol live here: a child binds 127.0.0.1 (port 0 is
fine), prints one line ``READY {"port": N, ...}`` on stdout once it accepts
connections, and exits cleanly on SIGTERM.  The parent (`ManagedProcess`)
waits for that line, never for a sleep.
"""

from runtime.loopback import NonLoopbackError, ensure_loopback
from runtime.process import ManagedProcess, ProcessError

__all__ = ["ManagedProcess", "NonLoopbackError", "ProcessError", "ensure_loopback"]
