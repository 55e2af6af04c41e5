"""The shop's database URL for one run: through the `db` proxy, on a namespace of its own.

PostgreSQL: a schema named after the run (`search_path` in the URL); MariaDB/
MySQL, where a schema *is* a database: a database of that name. Either is kept
afterwards for inspection, like the SQLite file in the run folder. The
namespace is created on the server directly (not through the proxy, which a
scenario may break from the first second).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from drill.errors import StackError
from drill.stack.postgres_schema import create_schema, schema_name, with_search_path

__all__ = ["create_mysql_database", "run_db_url"]


def _through(url: str, listen: str) -> str:
    """`url` with its host:port replaced by the proxy's `listen` (user and password kept)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    netloc[-1] = listen
    return urlunsplit(parts._replace(netloc="@".join(netloc)))


def run_db_url(db: str, kind: str, listen: str, run_id: str) -> tuple[str, str]:
    """(the URL the shop gets, the schema/database made for this run) for `--db db`."""
    name = schema_name(run_id)
    if kind == "mysql":
        create_mysql_database(db, name)
        return urlunsplit(urlsplit(_through(db, listen))._replace(path=f"/{name}")), name
    create_schema(db, name)
    return with_search_path(_through(db, listen), name), name


def create_mysql_database(url: str, name: str) -> None:
    """CREATE DATABASE `name` (utf8mb4, binary collation) on the server behind `url`."""
    import pymysql

    parts = urlsplit(url)
    try:
        conn = pymysql.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                               user=parts.username or "root", password=parts.password or "",
                               connect_timeout=5, autocommit=True)
    except pymysql.Error as exc:
        raise StackError(f"--db {url}: cannot connect to create database {name!r}: {exc}; "
                         "is MariaDB/MySQL running there?") from None
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    except pymysql.Error as exc:
        raise StackError(f"--db {url}: cannot create database {name!r}: {exc}; may the user "
                         "CREATE DATABASE there?") from None
    finally:
        conn.close()
