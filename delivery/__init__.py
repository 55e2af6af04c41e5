"""The reference delivery service: orders, payments, delivery worker, monitor."""

__all__: list[str] = []  # `python -m delivery`; import the modules; nothing re-exported
