"""A process owning a private dockerd with one running container, until it is SIGKILLed.

    python -m tests.runtime._dockerd_owner ROOT

Prints ``{"root": ROOT, "started_in_s": S}`` once the container runs, or
``{"error": "..."}`` if dockerd cannot start here.
"""

from __future__ import annotations

import json
import sys
import threading

from runtime import DockerdError, PrivateDockerd


def main() -> None:
    daemon = PrivateDockerd(sys.argv[1])
    try:
        daemon.start()
    except DockerdError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return
    image = daemon.import_busybox_image()
    daemon.client().containers.run(image, ["sleep", "300"], name="orphan-to-be",
                                   network_mode="host", detach=True)
    print(json.dumps({"root": str(daemon.root), "started_in_s": daemon.started_in_s}), flush=True)
    threading.Event().wait(120)  # until the test kills us


if __name__ == "__main__":
    main()
