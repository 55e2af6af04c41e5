"""The card-key wholesaler fake speaking dujiao-next's open API: ``python -m fakes.supplier``.

`KNOBS` is the supplier's behaviour table (name -> `fakes.Knob`), as served by
``GET /_fake/knobs`` and enforced by ``PUT /_fake/behaviour``.
"""

from fakes.supplier.app import make_app
from fakes.supplier.auth import sign_headers
from fakes.supplier.knobs import KNOBS
from fakes.supplier.state import SupplierState

__all__ = [
    "KNOBS",
    "SupplierState",
    "make_app",
    "sign_headers",
]
