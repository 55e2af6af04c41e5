#!/usr/bin/env python3
"""faka-drill: load and chaos drills for digital-goods auto-delivery shops (发卡网).

    python harness.py list                       every scenario with title and tags
    python harness.py validate SCENARIO          exit 0 valid, 2 with messages naming the field
    python harness.py run SCENARIO [options]     one drill; the exit code says how it went (below)
    python harness.py suite TAG [--baseline B]   every scenario with TAG, one JUnit file; vs B
    python harness.py serve [SCENARIO]           stack up, URLs printed, until Ctrl-C
    python harness.py check RUN_DIR              re-judge a run folder offline
    python harness.py compare BASE RUN [--tolerance 0.2]  regressions of RUN against BASE
    python harness.py defects                    the bug zoo: defect, scenario, check that must fail
    python harness.py zoo [--only NAME] [--seed N]  every defect caught? clean runs pass?
    python harness.py capacity [SCENARIO] [--from R --to R ...]  orders/s before the SLO breaks
    python harness.py target list|new NAME|check NAME --url URL --gateway-url URL
    python harness.py world --print [--world-ports BASE] [--lang zh]  what to paste in your shop
    python harness.py test [--no-gates] [PYTEST_ARGS]  ruff, mypy, sizes, then pytest (CI)

SCENARIO is a name from scenarios/ (e.g. smoke) or a path to a .toml file.
Every option also reads an environment variable FAKA_DRILL_<OPTION> (e.g.
FAKA_DRILL_OUT, FAKA_DRILL_TIME_SCALE, FAKA_DRILL_DEFECTS=a,b, FAKA_DRILL_ONLY=a,b,
FAKA_DRILL_FROM=200), except `test --no-gates`, which must be typed to skip the gates.
The exit codes of run, suite, check, zoo and capacity are listed below; every
judged run appends a line to <out>/index.jsonl and re-renders <out>/index.html.
"""

from __future__ import annotations

# Top-level imports stay stdlib-only: the bootstrap below may have to create
# .venv and re-exec before anything third-party can be imported.
import argparse
import os
import sys
from pathlib import Path

from drill.exit_codes import COMPARE_HELP  # stdlib only, like this file's top
from drill.exit_codes import HELP as EXIT_CODES

ROOT = Path(__file__).resolve().parent


def _bootstrap() -> None:
    # ---- project lead's bootstrap spot (devtools/bootstrap.py, stdlib only) ----
    sys.path.insert(0, str(ROOT))
    from devtools import bootstrap

    getattr(bootstrap, "ensure_environment", lambda: None)()
    # ---- end of the bootstrap spot ----


def _env(option: str, default: str | None = None) -> str | None:
    return os.environ.get("FAKA_DRILL_" + option.upper().replace("-", "_"), default)


def _flag(option: str) -> bool:
    return (_env(option) or "").lower() in ("1", "true", "yes")


def _list(option: str) -> list[str]:
    return [item for item in (_env(option) or "").split(",") if item]


def _run_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("run options (env FAKA_DRILL_<NAME>)")
    g.add_argument("--out", default=_env("out", "reports"), help="folder for run folders")
    g.add_argument("--time-scale", type=float, default=_env("time_scale"),
                   help="override the scenario's time compression")
    g.add_argument("--seed", type=int, default=_env("seed"), help="override the scenario's seed")
    g.add_argument("--db", default=_env("db"),
                   help="postgresql+psycopg://postgres@127.0.0.1:5432/test (default: SQLite)")
    g.add_argument("--toxiproxy", default=_env("toxiproxy"),
                   help="URL of a running Toxiproxy, or 'embedded' (default: auto)")
    g.add_argument("--defect", action="append", dest="defects", default=_list("defects"),
                   help="enable a service defect (bug zoo); repeatable")
    g.add_argument("--allow-non-loopback", action="store_true",
                   default=_flag("allow_non_loopback"),
                   help="permit --db / --toxiproxy targets off this machine")
    g.add_argument("--plain", action="store_true", default=_flag("plain"),
                   help="plain progress lines even on a terminal")
    _target_run_options(g)
    _lang(g)


def _lang(p: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    # no env default here: drill.i18n.choose_lang reads FAKA_DRILL_LANG, then the locale
    p.add_argument("--lang", choices=("zh", "en"), default=None,
                   help="console and report language (default: FAKA_DRILL_LANG, else locale)")


def _world_options(g: argparse._ArgumentGroup | argparse.ArgumentParser) -> None:
    g.add_argument("--world-ports", type=int, metavar="BASE", default=_env("world_ports"),
                   help="every fake and proxy listener at BASE+k (a shop configured once "
                        "keeps working; see `world --print`)")
    g.add_argument("--world", default=_env("world"), metavar="FILE",
                   help="a world file (TOML: base_port, [gateway] pid/key)")


def _target_run_options(g: argparse._ArgumentGroup) -> None:
    """Who the shop under test is (docs/targets/README.md)."""
    g.add_argument("--target", default=_env("target", "reference"),
                   help="the shop's adapter (`target list`); default reference")
    g.add_argument("--target-url", default=_env("target_url"),
                   help="a shop you started (staging, never production); the harness then "
                        "starts no shop, only the world around it")
    g.add_argument("--target-option", action="append", metavar="KEY=VALUE",
                   default=_list("target_option") or _list("target_options"),
                   help="adapter option (e.g. admin_token=...); repeatable")
    g.add_argument("--no-export", action="store_true", default=_flag("no_export"),
                   help="judge blind: never read the shop's own export")
    _world_options(g)


def _target_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`target list | new NAME | check NAME`: adapters for the user's own shop."""
    p = sub.add_parser("target", help="adapters for your own shop: list | new NAME | check NAME")
    p.add_argument("action", choices=("list", "new", "check"))
    p.add_argument("name", nargs="?", default=_env("target", "reference"))
    p.add_argument("--url", default=_env("target_url"), help="the shop's base URL")
    p.add_argument("--gateway-url", default=_env("gateway_url"),
                   help="the fake epay gateway the shop is configured with")
    p.add_argument("--pid", default=_env("gateway_pid"), help="merchant id at the gateway")
    p.add_argument("--key", default=_env("gateway_key"), help="merchant key at the gateway")
    p.add_argument("--target-option", action="append", metavar="KEY=VALUE",
                   default=[o for o in (_env("target_options") or "").split(",") if o],
                   help="adapter option (e.g. admin_token=...); repeatable")
    p.add_argument("--lang", choices=("zh", "en"), default=_env("lang", "en"))
    p.add_argument("--allow-non-loopback", action="store_true",
                   default=_flag("allow_non_loopback"),
                   help="permit a shop or gateway off this machine (staging, never production)")


def _gameday_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gameday", help="a team rehearses the golden 30 minutes; scorecard")
    p.add_argument("scenario", nargs="?", default=_env("scenario", "gameday"))
    _run_options(p)
    from drill.gameday.cli import add_gameday_options  # argparse only; no third-party imports

    add_gameday_options(p, {k: _env(k) for k in ("speed", "incident", "target", "lang",
                                                 "board_port", "bot", "no_audit")})


def _tolerance(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tolerance", type=float, default=float(_env("tolerance", "0.2") or 0.2),
                   help="how much worse than the baseline counts (0.2 = 20 %%; default 0.2)")


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="harness.py", description=__doc__, epilog=EXIT_CODES,
                                     formatter_class=raw)
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    sub.add_parser("list", help="every scenario with title and tags")
    p = sub.add_parser("validate", help="check a scenario file")
    p.add_argument("scenario", nargs="+")
    p.add_argument("--db", default=_env("db"),
                   help="the shop database the drill will use (a db-link fault needs PostgreSQL)")
    p = sub.add_parser("run", epilog=EXIT_CODES, formatter_class=raw, help="run one drill")
    p.add_argument("scenario")
    _run_options(p)
    p = sub.add_parser("suite", epilog=EXIT_CODES, formatter_class=raw,
                       help="run every scenario with a tag")
    p.add_argument("tag")
    p.add_argument("--baseline", default=_env("baseline"), metavar="DIR_OR_REV", help="compare "
                   "with the newest run of each scenario in this reports folder, or made at this "
                   "git revision or tag (--out's index.jsonl); a regression exits 1")
    _tolerance(p)
    _run_options(p)
    p = sub.add_parser("serve", help="start the stack and keep it up until Ctrl-C")
    p.add_argument("scenario", nargs="?", default=_env("scenario", "smoke"))
    _run_options(p)
    p = sub.add_parser("check", epilog=EXIT_CODES, formatter_class=raw, help="re-judge a run")
    p.add_argument("run_dir")
    _lang(p)
    p = sub.add_parser("compare", epilog=COMPARE_HELP, formatter_class=raw, help="RUN vs BASE")
    p.add_argument("base", help="the baseline run folder")
    p.add_argument("run", help="the run folder held against it")
    _tolerance(p)
    sub.add_parser("defects", help="the bug zoo: defect, scenario, check that must fail")
    p = sub.add_parser("zoo", epilog=EXIT_CODES, formatter_class=raw, help="the zoo, then clean")
    p.add_argument("--only", action="append", metavar="DEFECT", default=_list("only") or None,
                   help="just this defect; repeatable")
    p.add_argument("--no-clean", action="store_true", default=_flag("no_clean"),
                   help="skip the clean-service runs")
    _run_options(p)
    p = sub.add_parser("capacity", epilog=EXIT_CODES, formatter_class=raw,
                       help="step the arrival rate up until the SLO breaks")
    p.add_argument("scenario", nargs="?", default=_env("scenario", "flash-sale"))
    for flag, default, text in (("from", "100", "first orders/s"), ("to", "800", "last orders/s"),
                                ("step", "100", "orders/s a step")):
        p.add_argument(f"--{flag}", dest=f"rate_{flag}", type=float, default=_env(flag, default),
                       help=text)
    p.add_argument("--hold", type=float, default=_env("hold", "10"), help="wall seconds a step")
    _run_options(p)
    _target_parser(sub)
    _gameday_parser(sub)
    p = sub.add_parser("world", help="the world's addresses and keys, to paste into your shop")
    p.add_argument("--print", action="store_true", dest="print_", help="print them (default)")
    p.add_argument("--lang", choices=("zh", "en"), default=_env("lang", "en"))
    p.add_argument("--format", choices=("table", "toml"), default="table",
                   help="table for the back office, toml for a --world file")
    _world_options(p)
    p = sub.add_parser("test", help="gates (ruff, mypy, sizes), then pytest (extra arguments)")
    p.add_argument("--no-gates", action="store_true",
                   help="skip ruff, mypy and the size check (local use only; says so)")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    _bootstrap()
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.verb == "test":    # everything after `test` that is not ours goes to pytest
        args.pytest_args = [*rest, *args.pytest_args]
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.verb == "test":
        from devtools.gates import run_tests

        return run_tests(args.pytest_args, with_gates=not args.no_gates)
    from drill import cli  # third-party imports only after the bootstrap

    return cli.dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
