"""Every verb of harness.py: parsed arguments in, an exit code out (see drill.exit_codes).

Each verb builds its options with `RunOptions.from_args` and judges through
`drill.analyze`, so run, suite, zoo and capacity honour every run option and
agree on every verdict. Every judged run (a `Run`, or `check`) appends its line
to `<out>/index.jsonl`; `compare` and `suite --baseline` read those trends.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drill import capacity, zoo
from drill.cli_targets import cmd_target, cmd_world
from drill.errors import DrillError, ScenarioError
from drill.exit_codes import ExitCode, merge_exit_codes
from drill.faults.plan import DB_EXAMPLES, db_kind
from drill.gameday.cli import cmd_gameday
from drill.i18n import choose_lang
from drill.options import RunOptions, scenario_overrides
from drill.scenario import Scenario, list_scenarios, load_scenario

if TYPE_CHECKING:
    from drill.report.baseline import Baseline

ROOT = Path(__file__).resolve().parents[1]


def _err(text: str) -> None:
    print(f"error: {text}", file=sys.stderr, flush=True)


def _say(opts: RunOptions, key: str, **fields: Any) -> str:
    """A console text of drill.report.words in the run's language."""
    from drill.report.words import CONSOLE

    return CONSOLE[key].say(opts.lang, **fields)


def _load(name: str, args: argparse.Namespace) -> Scenario:
    return load_scenario(name, db_url=args.db, for_run=True, **scenario_overrides(args))


def _run_one(scenario: Scenario, opts: RunOptions) -> tuple[int, Path]:
    from drill.targets.conduct import make_run  # the reference Run, or a --target run

    result = make_run(scenario, opts).execute()
    for e in result.errors:
        _err(e)
    print(result.summary_line, flush=True)
    print(result.run_dir, flush=True)
    return result.exit_code, result.run_dir


def cmd_list(args: argparse.Namespace) -> int:
    for item in list_scenarios():
        if isinstance(item, ScenarioError):
            print(f"{Path(item.path).stem:18} INVALID  (run: harness.py validate {item.path})")
        else:
            print(f"{item.name:18} {item.title}  [{', '.join(item.tags)}]")
    return ExitCode.PASSED


def cmd_validate(args: argparse.Namespace) -> int:
    code = ExitCode.PASSED
    for name in args.scenario:
        try:
            s = load_scenario(name, db_url=args.db)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            code = ExitCode.USAGE
        else:
            print(f"ok: {s.path} — {s.title} ({len(s.faults)} faults, "
                  f"load {s.load.shape} {s.load.duration:g}s wall, time_scale {s.time_scale:g})")
    return code


def cmd_run(args: argparse.Namespace) -> int:
    return _run_one(_load(args.scenario, args), RunOptions.from_args(args))[0]


def cmd_serve(args: argparse.Namespace) -> int:
    code, _ = _run_one(_load(args.scenario, args), RunOptions.from_args(args, keep_up=True))
    return ExitCode.PASSED if code in (ExitCode.FAILED, ExitCode.INCONCLUSIVE) else code


def cmd_suite(args: argparse.Namespace) -> int:
    tagged = [s for s in list_scenarios() if isinstance(s, Scenario) and args.tag in s.tags]
    chosen = [s for s in tagged if not s.requires_db or db_kind(args.db) in s.requires_db]
    for s in tagged:
        if s not in chosen:
            _err(f"skipped {s.name}: it needs --db {DB_EXAMPLES[s.requires_db[0]]} "
                 "(requires_db)")
    if not chosen:
        _err(f"no scenario has the tag {args.tag!r}; see `harness.py list`")
        return ExitCode.USAGE
    from drill.report.baseline import find_baseline

    base = getattr(args, "baseline", None)
    # resolved before any run, so a run of this suite is never its own baseline
    baselines = {s.name: find_baseline(base, s.name, Path(args.out), ROOT) for s in chosen
                 } if base else {}
    codes, dirs = [], []
    for s in chosen:
        code, run_dir = _run_one(_load(s.path, args), RunOptions.from_args(args))
        codes.append(code)
        dirs.append(run_dir)
        if base and _regressed(s.name, run_dir, baselines.get(s.name), args.tolerance):
            codes.append(ExitCode.FAILED)
    out = Path(args.out) / f"suite-{args.tag}-{time.strftime('%Y%m%d-%H%M%S')}.xml"
    from drill.report import combine

    combine(list(dirs), out)
    print(out, flush=True)
    return merge_exit_codes(codes)


def _regressed(scenario: str, run_dir: Path, baseline: Baseline | None,
               tolerance: float) -> bool:
    """Print how `run_dir` compares with its baseline; True on a regression."""
    from drill.report.baseline import read_summary
    from drill.report.trends import compare, key_metrics

    if baseline is None:
        print(f"baseline {scenario}: none found; not compared", flush=True)
        return False
    found = compare(baseline.metrics, key_metrics(read_summary(run_dir)), tolerance)
    print(f"baseline {scenario}: {baseline.where}: {len(found)} regression(s)", flush=True)
    for r in found:
        print(f"REGRESSION {scenario}: {r}", flush=True)
    return bool(found)


def cmd_compare(args: argparse.Namespace) -> int:
    from drill.report.baseline import read_summary
    from drill.report.trends import compare, key_metrics

    if not 0 <= args.tolerance < 100:
        raise DrillError(f"--tolerance {args.tolerance:g} is out of range",
                         hint="a share of the baseline, e.g. 0.2 for 20 %")
    base, run = read_summary(Path(args.base)), read_summary(Path(args.run))
    if base.get("scenario") != run.get("scenario"):
        raise DrillError(f"{args.base} is scenario {base.get('scenario')!r} but {args.run} is "
                         f"{run.get('scenario')!r}", hint="compare runs of one scenario")
    before, after = key_metrics(base), key_metrics(run)
    found = compare(before, after, args.tolerance)
    shared = sorted(set(before) & set(after))
    print(f"{run.get('scenario')}: {args.run} against {args.base}, tolerance "
          f"{args.tolerance:.0%}; compared {', '.join(shared) or 'nothing'}", flush=True)
    for r in found:
        print(f"REGRESSION {r}", flush=True)
    print(f"{len(found)} regression(s)", flush=True)
    return ExitCode.FAILED if found else ExitCode.PASSED


def cmd_check(args: argparse.Namespace) -> int:
    from drill.analyze import analyze
    from drill.report import write_reports
    from drill.report.index_page import record_run

    run_dir = Path(args.run_dir)
    lang = choose_lang(args.lang)
    analysis = analyze(run_dir)
    write_reports(run_dir, analysis, lang)
    for problem in record_run(run_dir.resolve().parent, run_dir, analysis.summary, lang):
        _err(problem)
    print(analysis.line(lang), flush=True)
    print(run_dir, flush=True)
    return analysis.exit_code


def cmd_defects(args: argparse.Namespace) -> int:
    rows = [(d.name, d.scenario, d.check, d.bug) for d in zoo.ZOO]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
    return ExitCode.PASSED


def cmd_zoo(args: argparse.Namespace) -> int:
    from drill.report.tables import zoo_table
    from drill.report.words import verdict_word

    chosen = zoo.selected(args.only)
    opts = RunOptions.from_args(args)
    if opts.external:
        given = f"--target {opts.target}" + (f" --target-url {opts.target_url}"
                                              if opts.target_url else "")
        raise DrillError(f"zoo plants defects in the reference shop the harness starts; "
                         f"{given} is another shop", hint="drop --target/--target-url (run, "
                                                          "suite and capacity drill your shop)")
    for s in sorted({d.scenario for d in chosen if zoo.needs_db(d.scenario, opts.db)}):
        _err(f"skipped {s}: it needs --db {zoo.needs_db(s, opts.db)} (requires_db)")
    chosen = [d for d in chosen if not zoo.needs_db(d.scenario, opts.db)]
    plan: list[tuple[str, zoo.Defect | None]] = [(d.scenario, d) for d in chosen]
    if not args.no_clean:
        plan += [(s, None) for s in zoo.scenarios_of(chosen)]
    rows: list[zoo.Outcome] = []
    for n, (scenario, defect) in enumerate(plan, 1):
        what = defect.name if defect else _say(opts, "zoo_clean")
        print(_say(opts, "zoo_case", n=n, total=len(plan), scenario=scenario, what=what),
              file=sys.stderr, flush=True)
        r = zoo.run_case(scenario, defect, opts, {"seed": args.seed,
                                                  "time_scale": args.time_scale})
        rows.append(r)
        print(_say(opts, "zoo_done", n=n, total=len(plan), wall=r.wall_s, run_dir=r.run_dir,
                   ok=_say(opts, "zoo_ok" if r.ok else "zoo_not_ok"), failed=r.failed or "-",
                   verdict=verdict_word(r.verdict, opts.lang)), file=sys.stderr, flush=True)
    print(zoo_table(rows, opts.lang), flush=True)
    clean = [r for r in rows if not r.defect]
    print(_say(opts, "zoo_summary", caught=sum(1 for r in rows if r.defect and r.ok),
               chosen=len(chosen), clean_ok=sum(1 for r in clean if r.ok), clean=len(clean)),
          flush=True)
    missed = [r for r in rows if not r.ok]
    if not missed:
        return ExitCode.PASSED
    judged = [r for r in missed if r.exit_code != ExitCode.INCONCLUSIVE]
    return ExitCode.FAILED if judged else ExitCode.INCONCLUSIVE


def cmd_capacity(args: argparse.Namespace) -> int:
    from drill.report.tables import capacity_conclusion, capacity_table

    rates = capacity.plan_rates(args.rate_from, args.rate_to, args.rate_step)
    scenario = _load(args.scenario, args)
    opts = RunOptions.from_args(args)
    steps: list[capacity.Step] = []
    for n, rate in enumerate(rates, 1):
        print(_say(opts, "capacity_step", n=n, total=len(rates), scenario=scenario.name,
                   rate=rate, hold=args.hold), file=sys.stderr, flush=True)
        steps.append(capacity.run_step(scenario, rate, args.hold, opts))
        if steps[-1].verdict != "pass":
            break
    print(capacity_table(steps, opts.lang))
    out = capacity.write_report(Path(args.out), scenario, args.hold, steps)
    print(capacity_conclusion(steps, rates, opts.lang), flush=True)
    print(out, flush=True)
    if any(s.verdict == "pass" for s in steps):
        return ExitCode.PASSED
    return steps[-1].exit_code


COMMANDS = {"list": cmd_list, "validate": cmd_validate, "run": cmd_run, "suite": cmd_suite,
            "serve": cmd_serve, "check": cmd_check, "compare": cmd_compare,
            "defects": cmd_defects, "zoo": cmd_zoo, "capacity": cmd_capacity,
            "target": cmd_target, "world": cmd_world, "gameday": cmd_gameday}


def dispatch(args: argparse.Namespace) -> int:
    try:
        return int(COMMANDS[args.verb](args))
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return ExitCode.USAGE
    except DrillError as exc:
        _err(str(exc))
        return exc.exit_code
