"""`python -m fakes.toxiproxy`: the embedded Toxiproxy server (see server.py)."""

from fakes.toxiproxy.server import main

if __name__ == "__main__":
    main()
