"""The verbs behind harness.py: parse results in, exit codes out (0 pass, 1 fail, 2 usage)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from drill.capacity import cmd_capacity
from drill.errors import DrillError, ScenarioError
from drill.scenario import Scenario, list_scenarios, load_scenario
from drill.zoo import cmd_defects, cmd_zoo


def _err(text: str) -> None:
    print(f"error: {text}", file=sys.stderr, flush=True)


def cmd_list(args: argparse.Namespace) -> int:
    for item in list_scenarios():
        if isinstance(item, ScenarioError):
            print(f"{Path(item.path).stem:18} INVALID  (run: harness.py validate {item.path})")
        else:
            print(f"{item.name:18} {item.title}  [{', '.join(item.tags)}]")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    code = 0
    for name in args.scenario:
        try:
            s = load_scenario(name)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            code = 2
        else:
            print(f"ok: {s.path} — {s.title} ({len(s.faults)} faults, "
                  f"load {s.load.shape} {s.load.duration:g}s wall, time_scale {s.time_scale:g})")
    return code


def _options(args: argparse.Namespace) -> object:
    from drill.run import RunOptions

    return RunOptions(out=Path(args.out), db=args.db, toxiproxy=args.toxiproxy,
                      defects=tuple(args.defects or ()),
                      allow_non_loopback=args.allow_non_loopback,
                      fancy=False if args.plain else None)


def _load(name: str, args: argparse.Namespace) -> Scenario:
    return load_scenario(name, time_scale=args.time_scale, seed=args.seed)


def _run_one(scenario: Scenario, args: argparse.Namespace,
             keep_up: bool = False) -> tuple[int, Path]:
    from drill.run import Run

    opts = _options(args)
    opts.keep_up = keep_up  # type: ignore[attr-defined]
    result = Run(scenario, opts).execute()  # type: ignore[arg-type]
    for e in result.errors:
        _err(e)
    print(result.summary_line, flush=True)
    print(result.run_dir, flush=True)
    return result.exit_code, result.run_dir


def cmd_run(args: argparse.Namespace) -> int:
    return _run_one(_load(args.scenario, args), args)[0]


def cmd_serve(args: argparse.Namespace) -> int:
    code, _ = _run_one(_load(args.scenario, args), args, keep_up=True)
    return 0 if code in (0, 1) else code


def cmd_suite(args: argparse.Namespace) -> int:
    chosen = [s for s in list_scenarios() if isinstance(s, Scenario) and args.tag in s.tags]
    if not chosen:
        _err(f"no scenario has the tag {args.tag!r}; see `harness.py list`")
        return 2
    worst, dirs = 0, []
    for s in chosen:
        code, run_dir = _run_one(_load(s.path, args), args)
        worst, dirs = max(worst, code), [*dirs, run_dir]
    out = Path(args.out) / f"suite-{args.tag}-{time.strftime('%Y%m%d-%H%M%S')}.xml"
    from drill.report import combine

    combine(list(dirs), out)
    print(out, flush=True)
    return worst


def cmd_check(args: argparse.Namespace) -> int:
    from drill.judge import judge

    run_dir = Path(args.run_dir)
    code, line = judge(run_dir)
    print(line, flush=True)
    print(run_dir, flush=True)
    return code


COMMANDS = {"list": cmd_list, "validate": cmd_validate, "run": cmd_run, "suite": cmd_suite,
            "serve": cmd_serve, "check": cmd_check, "defects": cmd_defects, "zoo": cmd_zoo,
            "capacity": cmd_capacity}


def dispatch(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.verb](args)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DrillError as exc:
        _err(str(exc))
        return exc.exit_code
