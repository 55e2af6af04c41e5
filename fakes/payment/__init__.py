"""The 易支付 (epay) payment gateway fake: ``python -m fakes.payment``.

`KNOBS` is the gateway's behaviour table (name -> `fakes.Knob`), as served by
``GET /_fake/knobs`` and enforced by ``PUT /_fake/behaviour``.
"""

from fakes.payment.app import make_app
from fakes.payment.knobs import KNOBS
from fakes.payment.notifier import Notifier, NotifyTransport
from fakes.payment.state import GatewayState, Merchant

__all__ = [
    "GatewayState",
    "KNOBS",
    "Merchant",
    "Notifier",
    "NotifyTransport",
    "make_app",
]
