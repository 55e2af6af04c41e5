"""kamiFaka's admin API (/api/v4, JWT from /login): products, card keys, the epay channel."""

from __future__ import annotations

import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from drill.targets._http import HttpClient
from drill.targets._steps import StepFailed, refuse
from drill.targets._world import Gateway

TOKEN_LIFE_S = 50 * 60  # kamiFaka's tokens expire after 1 h; log in again before that
MAX_PAGES = 50  # 20 rows a page
MAX_CARD_PAGES = 1000  # the card list is every key of the shop, 20 a page


class KamifakaAdmin:
    """A logged-in back office; one login per token life (login is limited to 10/min per IP)."""

    def __init__(self, base_url: str, email: str, password: str) -> None:
        self.base_url, self.email, self.password = base_url, email, password
        self._token = ""
        self._until = 0.0

    def _headers(self, http: HttpClient) -> dict[str, str]:
        if not self._token or time.monotonic() > self._until:
            r = http.post(self.base_url + "/api/v4/login",
                          json={"email": self.email, "password": self.password})
            body = r.json() if r.status == 200 else None
            if not isinstance(body, dict) or "access_token" not in body:
                raise refuse("admin_login", r, f"logging in as {self.email}")
            self._token, self._until = str(body["access_token"]), time.monotonic() + TOKEN_LIFE_S
        return {"Authorization": f"Bearer {self._token}"}

    def _post(self, http: HttpClient, step: str, path: str, body: dict[str, Any]) -> Any:
        r = http.post(self.base_url + "/api/v4" + path, json=body, headers=self._headers(http))
        if r.status != 200:
            raise refuse(step, r, path)
        return r.json()

    def _get(self, http: HttpClient, step: str, path: str) -> Any:
        r = http.get(self.base_url + "/api/v4" + path, headers=self._headers(http))
        if r.status != 200:
            raise refuse(step, r, path)
        return r.json()

    def add_product(self, http: HttpClient, name: str, price: Decimal, category: str) -> None:
        self._post(http, "setup_catalogue", "/update_shop", {
            "methord": "add", "cag_name": category, "name": name, "info": "faka-drill",
            "img_url": "images/null.png", "sort": 1, "discription": "faka-drill probe product",
            "price": float(price), "price_wholesale": None, "auto": True, "sales": 0,
            "tag": "drill", "isactive": True})

    def import_cards(self, http: HttpClient, product: str, codes: Sequence[str]) -> None:
        if any("\n" in c or not c for c in codes):
            raise StepFailed("import_cards", "a card key may not be empty or contain a newline")
        self._post(http, "import_cards", "/update_card", {
            "methord": "add", "prod_name": product, "card": "\n".join(codes), "reuse": False})

    def unsold_cards(self, http: HttpClient, product: str) -> list[int]:
        """Ids of `product`'s unsold keys (the admin lists every key of the shop, 20 a page)."""
        ids: list[int] = []
        for page in range(1, MAX_CARD_PAGES + 1):
            got = self._post(http, "setup_catalogue", "/get_card", {"page": page})
            if not isinstance(got, list) or not got:
                break
            ids += [int(c["id"]) for c in got if isinstance(c, dict)
                    and c.get("prod_name") == product and not c.get("isused")]
        return ids

    def remove_cards(self, http: HttpClient, ids: Sequence[int]) -> None:
        if ids:
            self._post(http, "setup_catalogue", "/remove_cards", {"ids": list(ids)})

    def point_epay(self, http: HttpClient, payment: str, gateway: Gateway, web_url: str
                   ) -> list[str]:
        """Point the 易支付 channel `payment` at `gateway` and web_url at `web_url`."""
        pays = self._get(http, "setup_channels", "/get_pays")
        row = next((p for p in pays or [] if isinstance(p, dict) and p.get("name") == payment),
                   None)
        if row is None:
            raise StepFailed("setup_channels", f"no payment channel named {payment!r} "
                             f"(known: {[p.get('name') for p in pays or []]})")
        config = {"API": gateway.url.rstrip("/"), "ID": gateway.pid, "KEY": gateway.key}
        self._post(http, "setup_channels", "/update_pays", {"data": {
            "id": row["id"], "icon": row.get("icon", ""), "config": config, "isactive": True}})
        system = self._post(http, "setup_channels", "/get_system", {})
        web = next((c for c in system or [] if isinstance(c, dict) and c.get("name") == "web_url"),
                   None)
        if web is None:
            raise StepFailed("setup_channels", "the back office shows no web_url setting")
        self._post(http, "setup_channels", "/update_system",
                   {"data": {"id": web["id"], "info": web_url.rstrip("/")}})
        return [f"{payment}: API={config['API']} ID={gateway.pid} KEY=<world key>",
                f"web_url={web_url.rstrip('/')} (notify_url = web_url + /notify/epay)"]

    def temp_orders(self, http: HttpClient) -> list[dict[str, Any]]:
        """The newest temp orders (each buyer's attempt, paid or not), newest first."""
        return self._pages(http, "/get_tmp_orders")

    def order_ids(self, http: HttpClient) -> set[str]:
        """Order numbers of the newest order rows: written once delivery ran (a key, or 缺货)."""
        return {str(o.get("out_order_id")) for o in self._pages(http, "/get_orders")}

    def _pages(self, http: HttpClient, path: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            got = self._post(http, "admin_orders", path, {"page": page})
            if not isinstance(got, list) or not got:
                break
            rows += [o for o in got if isinstance(o, dict)]
        return rows
