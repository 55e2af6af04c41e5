"""Storage: schema and the transaction runner (SQLite on the loop, PostgreSQL in threads)."""

from delivery.db.engine import Db
from delivery.db.schema import metadata

__all__ = ["Db", "metadata"]
