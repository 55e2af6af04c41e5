"""The supplier's app: dujiao-next open API under /api/v1/upstream, plus /_fake."""

from __future__ import annotations

from starlette.applications import Starlette

from fakes._common import build_app
from fakes.supplier import chaos
from fakes.supplier.routes import ROUTES
from fakes.supplier.state import SupplierState


def make_app(state: SupplierState) -> chaos.TransportGrab:
    """The Starlette app wrapped so handlers can drop a connection (see chaos.TransportGrab)."""
    app: Starlette = build_app(f"faka-drill fake supplier ({state.name}, {state.semantics})",
                               ROUTES, state)
    app.state.supplier = state
    return chaos.TransportGrab(app)
