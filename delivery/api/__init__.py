"""HTTP routes: buyer, payment notify, admin."""

__all__: list[str] = []  # import the route modules (delivery.api.buyer, …); nothing re-exported
