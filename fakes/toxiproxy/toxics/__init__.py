"""Toxiproxy's toxics, one a module; `REGISTRY` maps the API's type names to them."""

from fakes.toxiproxy.toxics.base import Toxic, ToxicWrapper
from fakes.toxiproxy.toxics.registry import REGISTRY

__all__ = ["REGISTRY", "Toxic", "ToxicWrapper"]
