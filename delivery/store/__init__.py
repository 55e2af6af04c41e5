"""Transaction bodies: plain functions `fn(conn, ...)` run by `Db.tx`."""

__all__: list[str] = []  # import the modules (delivery.store.orders, …); nothing re-exported
