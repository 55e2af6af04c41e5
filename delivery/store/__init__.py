"""Transaction bodies: plain functions `fn(conn, ...)` run by `Db.tx`."""
