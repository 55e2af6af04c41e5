"""Debian's Chromium for the browser test: installed with apt-get when missing (no browser
download is possible here); under CI=true a missing browser fails, elsewhere it skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runtime.apt import apt_install

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # readable screenshots
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def ensure_chromium() -> Path:
    """The browser's path, installing it (and a CJK font) first if needed."""
    missing = [pkg for pkg, path in (("chromium", CHROMIUM), ("fonts-wqy-microhei", CJK_FONT))
               if not path.exists()]
    why = apt_install(missing) if missing else ""
    if CHROMIUM.exists():
        return CHROMIUM
    msg = f"Chromium is not installed at {CHROMIUM} and apt-get could not install it ({why})"
    if os.environ.get("CI") == "true":
        pytest.fail(msg + "; CI=true requires the browser test")
    pytest.skip(msg)
