"""The merchant back office of the reference shop (server-rendered pages, audit log)."""

from delivery.backoffice.app import routes

__all__ = ["routes"]
