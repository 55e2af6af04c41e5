"""Run a real `toxiproxy-server` under the READY protocol: `python -m drill.toxiproxy_shim BIN`.

toxiproxy-server cannot report an ephemeral API port, so this shim picks a free
loopback port, starts the binary on it, waits (bounded) until GET /version
answers, prints READY with the version, and forwards SIGTERM/SIGINT.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from runtime.announce import announce_ready


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit("usage: python -m drill.toxiproxy_shim /path/to/toxiproxy-server")
    port = _free_port()
    child = subprocess.Popen([argv[0], "-host", "127.0.0.1", "-port", str(port)],
                             stdout=sys.stderr, stderr=sys.stderr)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _f: child.send_signal(s))
    deadline, version = time.monotonic() + 15, None
    while version is None and child.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/version", timeout=1) as r:
                version = json.loads(r.read()).get("version")
        except OSError:
            time.sleep(0.05)  # the binary is still binding; bounded by the deadline
    if version is None:
        child.kill()
        sys.exit(f"toxiproxy-server ({argv[0]}) did not answer on port {port} within 15 s")
    announce_ready(port, version=version, binary=argv[0])
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
