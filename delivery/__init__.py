"""The reference delivery service: orders, payments, delivery worker, monitor."""
