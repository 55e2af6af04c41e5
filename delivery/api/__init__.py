"""HTTP routes: buyer, payment notify, admin."""
