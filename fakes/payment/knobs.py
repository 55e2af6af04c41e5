"""The gateway's behaviour switches (start-up ``--behaviour`` and PUT /_fake/behaviour).

Probabilities are drawn once per payment when the buyer pays, from the seeded
``notify`` stream, so the same seed and the same payments misbehave the same.
Durations are scenario seconds (divided by time_scale); the answer timeout is a
real network timeout in wall seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fakes._common import Knob
from fakes.payment.epay import SCHEDULES
from fakes.payment.forge import KINDS

DAY_S = 86_400.0

KNOBS: Mapping[str, Knob] = MappingProxyType({
    "schedule": Knob("epay", "choice", "retry schedule for failed notifies",
                     tuple(SCHEDULES)),
    "max_attempts": Knob(0, "int", "cap on notify attempts per payment; 0 = the whole schedule",
                         maximum=100),
    "answer_timeout_s": Knob(5.0, "float", "wall seconds to wait for the merchant's reply",
                             minimum=0.01, maximum=600.0),
    "duplicate_parallel": Knob(0.0, "prob", "send extra identical notifies at the same moment"),
    "duplicate_count": Knob(1, "int", "extra copies a parallel duplicate sends", minimum=1,
                            maximum=20),
    "duplicate_delayed": Knob(0.0, "prob", "send one extra copy duplicate_delay_s later"),
    "duplicate_delay_s": Knob(1.0, "float", "gap of the delayed duplicate (scenario s)",
                              maximum=DAY_S),
    "delayed": Knob(0.0, "prob", "hold the first notify for delay_s"),
    "delay_s": Knob(60.0, "float", "hold of a delayed notify (scenario s)", maximum=DAY_S),
    "lost": Knob(0.0, "prob", "never send any notify for the payment"),
    "out_of_order": Knob(0.0, "prob", "hold the notify a random 0..reorder_window_s so later "
                         "payments overtake it"),
    "reorder_window_s": Knob(5.0, "float", "max extra hold of an out-of-order notify "
                             "(scenario s)", maximum=DAY_S),
    "after_expiry": Knob(0.0, "prob", "send the first notify only after after_expiry_s"),
    "after_expiry_s": Knob(330.0, "float", "hold so the notify lands after the shop's order "
                           "expired (scenario s)", maximum=DAY_S),
    "finished": Knob(0.0, "prob", "send the payment's genuine notifies with trade_status "
                     "TRADE_FINISHED (paid, past its refund period): a paid state, must be "
                     "answered success and delivered"),
    "bad_sign": Knob(0.0, "prob", "sign the notify wrongly (all attempts)"),
    "amount_off": Knob(0.0, "prob", "notify money off by amount_off_delta (all attempts)"),
    "amount_off_delta": Knob("-0.01", "choice", "the amount error", ("-0.01", "0.01")),
    "replay_other": Knob(0.0, "prob", "also send another payment's valid signed notify, "
                         "unchanged, to this payment's notify_url"),
    "missing_sign_type": Knob(0.0, "prob", "omit sign_type (like BEpusdt)"),
    "forge": Knob(0.0, "prob", "per payment created (paid or never): also send one adversarial "
                  "notify of a kind drawn from forge_kinds, marked `adversarial` in the ledger "
                  "(must be refused)"),
    "forge_kinds": Knob(list(KINDS), "strlist", "kinds of adversarial notify to draw from",
                        KINDS),
    "forge_window_s": Knob(30.0, "float", "an adversarial notify goes out a uniform 0..this "
                           "long after its payment was created (scenario s)", maximum=DAY_S),
    "double_pay": Knob(0.0, "prob", "per paid payment: the buyer pays the same order again, a "
                       "second payment with its own trade_no, double_pay_delay_s later"),
    "double_pay_delay_s": Knob(3.0, "float", "gap between the first and the second payment "
                               "(scenario s)", maximum=DAY_S),
    "refund_refused": Knob(0.0, "prob", "refuse a refund request (api.php?act=refund) as a "
                           "merchant balance too low"),
    "notify_method": Knob("GET", "choice", "HTTP method of notifies", ("GET", "POST")),
    "submit_reply": Knob("json", "choice", "reply shape of /submit.php: json (our buyers) or "
                         "html like real epay's page, which kamiFaka's server parses",
                         ("json", "html")),
})
