"""A browser-like client of the reference shop's back office (session cookie, CSRF field),
used by the game-day bots so their every look and action lands in the shop's audit log
exactly as a person's would."""

from __future__ import annotations

import re
from typing import Any

import httpx

__all__ = ["BackOffice"]

PREFIX = "/backoffice"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class BackOffice:
    def __init__(self, shop_url: str, operator: str, token: str) -> None:
        # an operator waits for a slow page (a db-slow incident): 30 s, like a patient person
        self.http = httpx.Client(base_url=shop_url, timeout=30, trust_env=False,
                                 follow_redirects=True)
        self.admin = httpx.Client(base_url=shop_url, timeout=30, trust_env=False,
                                  headers={"Authorization": f"Bearer {token}"})
        self.operator, self.token = operator, token
        self._csrf = ""

    def close(self) -> None:
        self.http.close()
        self.admin.close()

    def _keep_csrf(self, r: httpx.Response) -> httpx.Response:
        found = _CSRF.search(r.text)
        if found:
            self._csrf = found.group(1)
        return r

    def login(self) -> None:
        self._keep_csrf(self.http.get(f"{PREFIX}/login"))
        r = self.http.post(f"{PREFIX}/login", data={"operator": self.operator,
                                                     "token": self.token, "csrf": self._csrf})
        if r.status_code != 200 or "/login" in str(r.url):
            raise RuntimeError(f"back office login as {self.operator!r} failed: HTTP "
                               f"{r.status_code} at {r.url}")
        self._keep_csrf(r)

    def look(self, path: str, **params: Any) -> httpx.Response:
        """GET a page (audited as a view by the shop)."""
        return self._keep_csrf(self.http.get(PREFIX + path, params=params))

    def post(self, path: str, **data: Any) -> httpx.Response:
        if not self._csrf:
            self._keep_csrf(self.http.get(f"{PREFIX}/notices"))   # a page that is not audited
        return self._keep_csrf(self.http.post(PREFIX + path, data={"csrf": self._csrf, **data}))

    # -- what a person reads off the pages, taken from the admin JSON instead ------------
    def orders(self) -> list[dict[str, Any]]:
        r = self.admin.get("/admin/orders", params={"limit": 100_000})
        return list(r.json()["orders"]) if r.status_code == 200 else []

    def stock(self) -> dict[str, int]:
        """product -> keys available (from the export's stock table)."""
        r = self.admin.get("/admin/export")
        if r.status_code != 200:
            return {}
        return {str(s["product_id"]): int(s.get("available", 0)) for s in r.json()["stock"]}
