"""``python -m fakes.supplier``: a card-key wholesaler speaking dujiao-next's open API."""

from __future__ import annotations

from fakes._common import base_parser, parse_behaviour_arg, run
from fakes.supplier.app import make_app
from fakes.supplier.cards import parse_stock
from fakes.supplier.state import SupplierState


def main() -> None:
    parser = base_parser("python -m fakes.supplier", "Fake card-key supplier (dujiao-next API)")
    parser.add_argument("--name", default="primary", help="supplier name (primary, backup, ...)")
    parser.add_argument("--api-key", default="k", help="Dujiao-Next-Api-Key clients must send")
    parser.add_argument("--api-secret", default="s", help="HMAC secret")
    parser.add_argument("--semantics", choices=["replay", "reject"], default="replay",
                        help="repeat downstream_order_no: replay the original keys "
                        "(dujiao-next) or reject it (acg-faka)")
    parser.add_argument("--stock", default=None, help="SKU=COUNT,... (default apple-100=1000,"
                        "steam-50=1000,game-30=1000)")
    args = parser.parse_args()
    try:
        state = SupplierState(args.name, args.api_key, args.api_secret, args.seed,
                              args.time_scale, args.semantics, parse_stock(args.stock),
                              parse_behaviour_arg(args.behaviour))
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from exc
    run(args, lambda: make_app(state), component="supplier", name=args.name,
        semantics=args.semantics)


if __name__ == "__main__":
    main()
