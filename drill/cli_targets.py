"""The verbs about the user's own shop: `target list | new | check` and `world --print`."""

from __future__ import annotations

import argparse

from drill.errors import DrillError
from drill.exit_codes import ExitCode

__all__ = ["cmd_target", "cmd_world"]


def _target_options(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DrillError(f"--target-option {pair!r} is not KEY=VALUE (e.g. admin_token=abc)")
        out[key] = value
    return out


def cmd_target(args: argparse.Namespace) -> int:
    """`target list | new NAME | check NAME --url URL`: adapters for the user's own shop."""
    from drill import targets
    from drill.errors import TargetError
    from drill.stack.credentials import GATEWAY_KEY, GATEWAY_PID
    from runtime.loopback import NonLoopbackError, ensure_loopback

    if args.action == "list":
        for name, title in targets.list_targets():
            print(f"{name:14} {title}")
        return ExitCode.PASSED
    if args.action == "new":
        path = targets.new_target(args.name)
        print(f"wrote {path}; fill in the TODOs, then: python3 harness.py target check "
              f"{args.name} --url http://127.0.0.1:PORT --gateway-url http://127.0.0.1:PORT")
        return ExitCode.PASSED
    if not args.url or not args.gateway_url:
        raise DrillError("target check needs --url (the shop) and --gateway-url (the fake epay "
                         "gateway the shop is configured with; `harness.py serve` starts one)")
    for what, url in (("--url", args.url), ("--gateway-url", args.gateway_url)):
        try:
            ensure_loopback(url, allow=args.allow_non_loopback, what=f"target check {what}")
        except NonLoopbackError as exc:
            raise TargetError(str(exc)) from None
    world = targets.World(targets.Gateway(args.gateway_url, args.pid or GATEWAY_PID,
                                          args.key or GATEWAY_KEY))
    report = targets.run_check(args.name, args.url, world, _target_options(args.target_option))
    print(report.render(args.lang))
    code = targets.exit_code(report)
    return {0: ExitCode.PASSED, 1: ExitCode.FAILED}.get(code, ExitCode.INCONCLUSIVE)


def cmd_world(args: argparse.Namespace) -> int:
    """`world --print`: the fixed world's addresses and keys, to paste into a shop."""
    from drill.stack.links import link_table
    from drill.stack.world import world_spec
    from drill.stack.world_table import addresses, fixed_links, render, to_toml

    spec = world_spec(args.world_ports, args.world)
    if args.format == "toml":
        print(to_toml(spec), end="")
        return ExitCode.PASSED
    if not spec.fixed:
        raise DrillError("the world's ports are picked at start unless fixed",
                         hint="give --world-ports BASE (e.g. 47000) or --world FILE")
    print(render(addresses(spec), args.lang), end="", flush=True)
    print()
    print(link_table(fixed_links(spec), args.lang), flush=True)
    return ExitCode.PASSED
