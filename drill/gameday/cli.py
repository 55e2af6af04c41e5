"""`harness.py gameday SCENARIO`: its options and the verb (parsed arguments in, exit code out).

Exit codes: 0 full marks, 1 a runbook step failed, 2 usage or scenario error, 3
interrupted, a step unknown or the harness failed.
"""

from __future__ import annotations

import argparse
import sys

from drill.gameday.text import LANGS, t
from drill.i18n import choose_lang

__all__ = ["add_gameday_options", "cmd_gameday"]

TARGETS = ("reference",)


def add_gameday_options(p: argparse.ArgumentParser, env: dict[str, str | None]) -> None:
    """The verb's own options (the run options are added by harness.py as for `run`)."""
    g = p.add_argument_group("game day (env FAKA_DRILL_<NAME>)")
    g.add_argument("--speed", type=float, default=env.get("speed") or 1.0,
                   help="1 = real time (a true rehearsal), 10 = ten times faster; every clock "
                        "shown is scenario time (default 1)")
    g.add_argument("--incident", default=env.get("incident"),
                   help="play this incident of the pool instead of the seeded draw (tests)")
    if "--target" not in p._option_string_actions:   # the run options bring it (targets)
        g.add_argument("--target", default=env.get("target") or "reference", choices=TARGETS,
                       help="the shop under exercise (default: the reference shop)")
    if "--lang" not in p._option_string_actions:   # the run options may bring it already
        g.add_argument("--lang", default=env.get("lang") or None, choices=LANGS,
                       help="board, console and scorecard language (default: the locale)")
    g.add_argument("--board-port", type=int, default=int(env.get("board_port") or 0),
                   help="the board's port on 127.0.0.1 (default 0: any free port, printed)")
    g.add_argument("--bot", default=env.get("bot"), choices=("runbook", "careless"),
                   help="let a bot play the operator (CI); default: people play")
    g.add_argument("--no-audit", action="store_true", default=bool(env.get("no_audit")),
                   help="score from outside records only, as for a shop without an audit log")


def cmd_gameday(args: argparse.Namespace) -> int:
    from drill.errors import ScenarioError
    from drill.gameday.conduct import GameDayRun
    from drill.gameday.setup import Plan, choose
    from drill.options import RunOptions
    from drill.scenario import load_scenario

    lang = choose_lang(args.lang)
    opts = RunOptions.from_args(args)
    if opts.external and (opts.target not in TARGETS or not opts.target_url):
        print(f"error: gameday --target {opts.target}: only --target reference --target-url URL "
              f"(the reference shop you started, with its back office) can be exercised; "
              f"drop --target, or start the reference shop and give its --target-url",
              file=sys.stderr)
        return 2
    if not 0 < args.speed <= 600:
        print(f"error: --speed {args.speed:g} must be > 0 and at most 600", file=sys.stderr)
        return 2
    scenario = load_scenario(args.scenario, db_url=args.db, for_run=True,
                             seed=args.seed, time_scale=None)
    if scenario.gameday is None:
        raise ScenarioError(scenario.path, ["has no [gameday] table; try `harness.py gameday "
                                            "gameday` (scenarios/gameday.toml)"])
    incident = choose(scenario, scenario.seed, args.db, args.incident, target=opts.external)
    plan = Plan(incident, float(args.speed), scenario.seed, scenario.gameday)
    if opts.external:
        print(t(lang, "target.outside", url=opts.target_url or ""), file=sys.stderr, flush=True)
    out = GameDayRun(scenario, opts, plan, lang=lang, bot=args.bot, port=args.board_port,
                     audit=not (args.no_audit or opts.external)).execute()
    for e in out.errors:
        print(f"error: {e}", file=sys.stderr, flush=True)
    if out.score is not None:
        cause = incident.cause_zh if lang == "zh" else incident.cause_en
        print(f"{t(lang, 'incident')}: {incident.name} — {cause}", flush=True)
        print(f"{t(lang, 'grade')}: {out.score.grade}", flush=True)
    if out.page is not None:
        print(out.page, flush=True)
    print(out.run_dir, flush=True)
    return out.exit_code
