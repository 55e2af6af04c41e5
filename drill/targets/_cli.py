"""The library behind `harness.py target list | new | check`, so the CLI stays a thin shell."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from drill.targets._check import check_target
from drill.targets._registry import make_adapter, shipped_targets
from drill.targets._report import ConformanceReport
from drill.targets._scaffold import skeleton_source
from drill.targets._steps import CatalogueItem
from drill.targets._world import World

TARGETS_DIR = Path("targets")


def list_targets(folder: Path = TARGETS_DIR) -> list[tuple[str, str]]:
    """(name, title) of the shipped adapters, then of the user's files in `folder`."""
    own = sorted((p.stem, f"your adapter ({p})") for p in folder.glob("*.py")
                 if not p.name.startswith("_")) if folder.is_dir() else []
    return [*shipped_targets(), *own]


def new_target(name: str, folder: Path = TARGETS_DIR) -> Path:
    """Write `folder/NAME.py` from the skeleton; refuses to overwrite an existing file."""
    text = skeleton_source(name)  # validates the name
    path = folder / f"{name}.py"
    if path.exists():
        raise FileExistsError(f"{path} already exists; pick another name or delete it first")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_check(target: str, url: str, world: World, options: Mapping[str, str] | None = None,
              *, product: CatalogueItem | None = None, folder: Path = TARGETS_DIR
              ) -> ConformanceReport:
    """`target check`: build the adapter (name, file or module:Class) and probe the shop."""
    adapter = make_adapter(target, url, world, options, search=(folder,))
    return check_target(adapter, world, product=product)


def exit_code(report: ConformanceReport) -> int:
    """0 every probe passed, 1 one failed, 2 none failed but some could not be decided."""
    verdicts = {p.verdict for p in report.probes}
    if "fail" in verdicts:
        return 1
    return 0 if verdicts == {"pass"} else 2
