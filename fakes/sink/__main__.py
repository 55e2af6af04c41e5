"""``python -m fakes.sink``: DingTalk/Telegram/WeCom robots and buyer mail, recorded."""

from __future__ import annotations

from fakes._common import base_parser, parse_behaviour_arg, run
from fakes.sink.app import SinkState, make_app


def main() -> None:
    parser = base_parser("python -m fakes.sink", "Fake IM robots and buyer mail sink")
    parser.add_argument("--dingtalk-secret", default=None,
                        help="require DingTalk timestamp+sign signed with this secret")
    parser.add_argument("--dingtalk-keyword", default=None,
                        help="require this keyword in DingTalk texts (keyword security)")
    parser.add_argument("--throttle", action="store_true", help="start with throttling on")
    args = parser.parse_args()
    startup = parse_behaviour_arg(args.behaviour)
    if args.throttle:
        startup["throttle"] = True
    try:
        state = SinkState(args.seed, args.time_scale, startup, args.dingtalk_secret,
                          args.dingtalk_keyword)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    run(args, lambda: make_app(state), component="sink")


if __name__ == "__main__":
    main()
