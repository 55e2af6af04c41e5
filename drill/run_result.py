"""What a finished drill hands back to its verb: the run folder, the analysis, the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drill.analyze import Analysis
from drill.i18n import Lang

__all__ = ["RunResult"]


@dataclass
class RunResult:
    run_dir: Path
    analysis: Analysis
    interrupted: bool
    errors: list[str] = field(default_factory=list)
    lang: Lang = "en"

    @property
    def exit_code(self) -> int:
        return int(self.analysis.exit_code)

    @property
    def summary_line(self) -> str:
        return self.analysis.line(self.lang)
