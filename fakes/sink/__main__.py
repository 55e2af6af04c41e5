"""``python -m fakes.sink``: DingTalk/Telegram/WeCom robots and buyer mail (HTTP and SMTP),
recorded. READY carries ``port`` (HTTP) and ``smtp_port``."""

from __future__ import annotations

from fakes._common import base_parser, parse_behaviour_arg, run
from fakes.sink.app import make_app
from fakes.sink.state import SinkState
from runtime.serve import bind_socket


def main() -> None:
    parser = base_parser("python -m fakes.sink", "Fake IM robots and buyer mail sink")
    parser.add_argument("--dingtalk-secret", default=None,
                        help="require DingTalk timestamp+sign signed with this secret")
    parser.add_argument("--dingtalk-keyword", default=None,
                        help="require this keyword in DingTalk texts (keyword security)")
    parser.add_argument("--throttle", action="store_true", help="start with throttling on")
    parser.add_argument("--smtp-port", type=int, default=0,
                        help="SMTP port on --host; 0 picks a free one (reported in READY)")
    args = parser.parse_args()
    startup = parse_behaviour_arg(args.behaviour)
    if args.throttle:
        startup["throttle"] = True
    try:
        state = SinkState(args.seed, args.time_scale, startup, args.dingtalk_secret,
                          args.dingtalk_keyword)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    smtp = bind_socket(args.host, args.smtp_port, allow_non_loopback=args.allow_non_loopback)
    run(args, lambda: make_app(state, smtp), component="sink",
        smtp_port=smtp.getsockname()[1])


if __name__ == "__main__":
    main()
