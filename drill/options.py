"""RunOptions: how to run a drill, built in one place from the command line for every verb."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drill.i18n import Lang, choose_lang


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

    @classmethod
    def from_args(cls, args: argparse.Namespace, **changes: Any) -> RunOptions:
        """Every run option of harness.py's run-option group; `changes` override (e.g. zoo's
        defect). The only factory, so no verb can drop an option."""
        opts = cls(out=Path(args.out), db=args.db, toxiproxy=args.toxiproxy,
                   defects=tuple(args.defects or ()),
                   allow_non_loopback=bool(args.allow_non_loopback),
                   fancy=False if args.plain else None,
                   lang=choose_lang(getattr(args, "lang", None)))
        return dataclasses.replace(opts, **changes)


def scenario_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The scenario fields the command line overrides (None: keep the file's value)."""
    return {"time_scale": args.time_scale, "seed": args.seed}
