"""``python -m fakes.payment``: the epay-compatible payment gateway fake."""

from __future__ import annotations

from fakes._common import base_parser, parse_behaviour_arg, run
from fakes.payment.app import make_app
from fakes.payment.epay import SCHEDULES
from fakes.payment.state import GatewayState, Merchant


def main() -> None:
    parser = base_parser("python -m fakes.payment", "Fake 易支付 (epay) payment gateway")
    parser.add_argument("--pid", default="1001", help="merchant id")
    parser.add_argument("--key", default="merchantkey", help="merchant MD5 key")
    parser.add_argument("--schedule", choices=sorted(SCHEDULES), default=None,
                        help="notify retry schedule (default epay)")
    parser.add_argument("--notify-timeout", type=float, default=None,
                        help="wall seconds to wait for the merchant's answer (default 5)")
    args = parser.parse_args()
    startup = parse_behaviour_arg(args.behaviour)
    if args.schedule:
        startup["schedule"] = args.schedule
    if args.notify_timeout is not None:
        startup["answer_timeout_s"] = args.notify_timeout
    try:
        state = GatewayState(Merchant(args.pid, args.key), args.seed, args.time_scale, startup,
                             allow_non_loopback=args.allow_non_loopback)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    run(args, lambda: make_app(state), component="payment", pid=args.pid)


if __name__ == "__main__":
    main()
