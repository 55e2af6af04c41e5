"""A PostgreSQL schema of its own for every run, so runs never see each other's rows.

The shop's SQLite file lives in the run folder; on PostgreSQL the equivalent
is a schema named after the run, kept afterwards for inspection like that file.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from drill.errors import StackError


def schema_name(run_id: str) -> str:
    return "faka_" + re.sub(r"[^a-z0-9_]", "_", run_id.lower())[:50]


def with_search_path(url: str, schema: str) -> str:
    """`url` with libpq `options=-csearch_path=<schema>` added to its query."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def create_schema(url: str, schema: str) -> None:
    """Create `schema` on the server behind the SQLAlchemy-style `url`."""
    import psycopg

    parts = urlsplit(url)
    dsn = urlunsplit(parts._replace(scheme="postgresql", query=""))
    try:
        with psycopg.connect(dsn, connect_timeout=5, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except psycopg.Error as exc:
        raise StackError(
            f"--db {url}: cannot create schema {schema!r}: {exc}".strip()
            + "; is PostgreSQL running there and does the user may CREATE in the database?"
        ) from None
