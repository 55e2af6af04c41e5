"""The supplier's behaviour switches. Durations are scenario ms/s (divided by time_scale)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fakes._common import Knob

ERROR_CODES = (500, 502, 503, 504, 429)
MINUTE_MS = 60_000.0

KNOBS: Mapping[str, Knob] = MappingProxyType({
    "latency_ms": Knob(0.0, "float", "base latency of every upstream call (scenario ms)",
                       maximum=MINUTE_MS),
    "latency_jitter_ms": Knob(0.0, "float", "spread of the latency distribution (scenario ms)",
                              maximum=MINUTE_MS),
    "latency_dist": Knob("uniform", "choice", "fixed: base only; uniform: base+U(0,j); "
                         "normal: N(base,j); exponential: base+Exp(mean j)",
                         ("fixed", "uniform", "normal", "exponential")),
    "error_rate": Knob(0.0, "prob", "answer an HTTP error from error_codes instead of serving"),
    "error_codes": Knob([500, 502, 503, 429], "intlist", "statuses drawn for injected errors",
                        ERROR_CODES),
    "sold_out": Knob(False, "bool", "every SKU reports and behaves as out of stock"),
    "desync": Knob(0, "int", "phantom units added to reported stock (cannot be delivered)",
                   maximum=1_000_000),
    "insufficient_balance": Knob(0.0, "prob", "402 insufficient_balance on purchase"),
    "ok_false": Knob(0.0, "prob", "HTTP 200 with ok:false payment_failed (nothing committed)"),
    "malformed": Knob(0.0, "prob", "malformed purchase reply (see malformed_kinds)"),
    "malformed_kinds": Knob(["html", "truncated"], "strlist",
                            "html: 200 HTML error page, nothing committed; truncated: keys "
                            "committed, JSON cut short", ("html", "truncated")),
    "commit_then_timeout": Knob(0.0, "prob", "commit the purchase, then never answer in time"),
    "commit_timeout_mode": Knob("hold", "choice", "hold: answer after hold_s; close: drop the "
                                "connection without a reply", ("hold", "close")),
    "hold_s": Knob(60.0, "float", "how long a held reply waits (scenario s)", maximum=3600.0),
    "duplicate_codes": Knob(0.0, "prob", "one key of the purchase is a key already issued"),
    "race_window_ms": Knob(0.0, "float", "dujiao-next check-then-insert race: wait this long "
                           "between the idempotency check and the insert (scenario ms)",
                           maximum=MINUTE_MS),
    # asynchronous fulfilment (dujiao-next procurement, gift-card wholesalers)
    "async_rate": Knob(0.0, "prob", "accept the purchase as processing (stock reserved, no keys "
                       "yet); keys come after processing_s, by the shop's poll"),
    "processing_s": Knob(5.0, "float", "how long an accepted order stays processing (scenario s)",
                         maximum=3600.0),
    "processing_jitter_s": Knob(0.0, "float", "uniform extra processing time (scenario s)",
                                maximum=3600.0),
    "not_found_while_processing": Knob(0.0, "prob", "a lookup of a processing order answers "
                                       "404 order_not_found (a vendor's '9 未查到订单' while it "
                                       "works: not a failure)"),
    "partial_rate": Knob(0.0, "prob", "an order of 2+ units is fulfilled with only some of them "
                         "(partially_delivered; the rest goes back to stock)"),
    "cancel_rate": Knob(0.0, "prob", "a processing order is cancelled by the supplier instead of "
                        "delivered (no keys, stock back)"),
})
