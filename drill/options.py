"""RunOptions: how to run a drill, built in one place from the command line for every verb."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drill.i18n import Lang, choose_lang

if TYPE_CHECKING:  # drill/__init__ imports this module: it must stay stdlib-only (harness.py
    from drill.stack.world import WorldSpec  # imports drill before the venv bootstrap)


def _no_world() -> WorldSpec:
    from drill.stack.world import WorldSpec

    return WorldSpec()


@dataclass(frozen=True)
class RunOptions:
    out: Path = Path("reports")
    db: str | None = None
    toxiproxy: str | None = None
    defects: tuple[str, ...] = ()
    allow_non_loopback: bool = False
    fancy: bool | None = None
    keep_up: bool = False                     # `serve`: stay up after seeding until interrupted
    lang: Lang = "en"                         # the console and the reports (drill.i18n)
    target: str = "reference"                 # the adapter (drill/targets) of the shop under test
    target_url: str | None = None             # a shop the user started; None: the harness starts
    target_options: tuple[tuple[str, str], ...] = ()
    export: bool = True                       # read the shop's own export (optional enrichment)
    world: WorldSpec = field(default_factory=_no_world)  # --world-ports BASE | --world FILE

    @property
    def external(self) -> bool:
        """The shop under test is one the user started (the harness starts none)."""
        return bool(self.target_url) or self.target != "reference"

    @classmethod
    def from_args(cls, args: argparse.Namespace, **changes: Any) -> RunOptions:
        """Every run option of harness.py's run-option group; `changes` override (e.g. zoo's
        defect). The only factory, so no verb can drop an option."""
        opts = cls(out=Path(args.out), db=args.db, toxiproxy=args.toxiproxy,
                   defects=tuple(args.defects or ()),
                   allow_non_loopback=bool(args.allow_non_loopback),
                   fancy=False if args.plain else None,
                   lang=choose_lang(getattr(args, "lang", None)), **target_fields(args))
        return dataclasses.replace(opts, **changes)


def scenario_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The scenario fields the command line overrides (None: keep the file's value)."""
    return {"time_scale": args.time_scale, "seed": args.seed}


def target_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The `--target*`, `--no-export` and `--world*` options (absent on a parser: defaults)."""
    pairs = []
    for pair in getattr(args, "target_option", None) or ():
        key, sep, value = str(pair).partition("=")
        if not sep or not key:
            from drill.errors import DrillError

            raise DrillError(f"--target-option {pair!r} is not KEY=VALUE",
                             hint="e.g. --target-option admin_token=abc")
        pairs.append((key, value))
    return {"target": getattr(args, "target", None) or "reference",
            "target_url": getattr(args, "target_url", None) or None,
            "target_options": tuple(pairs), "export": not getattr(args, "no_export", False),
            "world": _world_spec(getattr(args, "world_ports", None),
                                getattr(args, "world", None) or None)}


def _world_spec(base_port: int | None, path: str | None) -> WorldSpec:
    from drill.stack.world import world_spec

    return world_spec(base_port, path)
