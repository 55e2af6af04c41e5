"""Products and card keys: finite stock, codes made by a seeded Faker in real formats.

Codes are generated when issued (not up front), so a 100k-key stock starts
instantly; issue order plus the seed fixes every code, and a set guarantees a
code is never generated twice (duplicates only ever come from the
``duplicate_codes`` behaviour, on purpose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faker import Faker

ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
FORMATS = {
    "steam": "?????-?????-?????",   # Steam wallet code
    "apple": "X???????????????",    # App Store & iTunes gift card (16, starts with X)
    "game": "#### #### #### ####:??????????",  # game point card: number:password
}


def format_for(sku: str) -> str:
    low = sku.lower()
    if low.startswith("steam"):
        return "steam"
    if low.startswith(("apple", "appstore", "itunes")):
        return "apple"
    return "game"


def price_for(sku: str) -> str:
    match = re.search(r"(\d+)$", sku)
    return f"{int(match.group(1)) if match else 10}.00"


@dataclass(slots=True)
class Product:
    sku: str
    title: str
    price: str
    fmt: str
    available: int


def parse_stock(spec: str | None) -> dict[str, int]:
    """``apple-100=1000,steam-50=500`` -> {"apple-100": 1000, ...}."""
    if not spec:
        return {"apple-100": 1000, "steam-50": 1000, "game-30": 1000}
    out: dict[str, int] = {}
    for part in spec.split(","):
        sku, sep, count = part.strip().partition("=")
        if not sep or not sku or not count.strip().isdigit():
            raise ValueError(f"--stock item {part!r} is not SKU=COUNT (e.g. apple-100=1000)")
        out[sku] = int(count)
    return out


class CodeMaker:
    """Card codes from a seeded Faker; the seed may be a str (seed + supplier name)."""

    def __init__(self, seed: int | str) -> None:
        self.faker = Faker()
        self.seed = seed
        self.issued: set[str] = set()
        self.reset()

    def reset(self) -> None:
        self.faker.seed_instance(self.seed)
        self.issued.clear()

    def make(self, fmt: str) -> str:
        pattern = FORMATS[fmt]
        while True:
            code = self.faker.bothify(pattern, letters=ALNUM)
            if code not in self.issued:
                self.issued.add(code)
                return code


def make_products(stock: dict[str, int]) -> dict[str, Product]:
    return {
        sku: Product(sku, sku.replace("-", " ").title(), price_for(sku), format_for(sku), n)
        for sku, n in stock.items()
    }
