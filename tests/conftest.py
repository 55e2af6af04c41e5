"""Shared by every test: the repository root on sys.path (so `tests.*` helpers import) and
the real-process tier's environment (no venv bootstrap inside a test)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("FAKA_DRILL_NO_BOOTSTRAP", "1")
# English unless a test asks for Chinese: assertions on English output must not depend on
# the box's locale or the developer's FAKA_DRILL_LANG (drill.i18n reads both); tests of the
# choice itself pass their own environment.
os.environ["FAKA_DRILL_LANG"] = "en"
