"""Reading and checking POSTed forms: errors name the field and the fix, in both languages."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

from delivery.backoffice.i18n import reason, t
from delivery.backoffice.outcome import Refused
from delivery.backoffice.session import csrf_ok

MAX_FORM_BYTES = 256 * 1024
MAX_IMPORT_BYTES = 4 * 1024 * 1024
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_LIST_SPLIT = re.compile(r"[\s,，、]+")


class FormError(Exception):
    """A field is missing or wrong; `message(lang)` says which and how to fix it."""

    def __init__(self, label: str, why: str, **params: Any) -> None:
        super().__init__(f"{label}: {why}")
        self.label, self.why, self.params = label, why, params

    def message(self, lang: str) -> str:
        return t(lang, "err.field", field=t(lang, self.label),
                 reason=reason(lang, self.why, **self.params))


async def read(request: Request, limit: int = MAX_FORM_BYTES) -> dict[str, str]:
    """The form as text fields; Refused on an oversized or unreadable body or a bad CSRF token."""
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise Refused(411, "err.bad_request", reason="a form needs a Content-Length header")
    if int(declared) > limit:
        raise Refused(413, "err.bad_request", reason=f"the form is {declared} bytes > {limit}")
    try:
        form: FormData = await request.form(max_files=0, max_fields=64, max_part_size=limit)
    except Exception as exc:  # multipart/urlencoded parser errors of every kind
        raise Refused(400, "err.bad_request", reason=type(exc).__name__) from exc
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(request, fields.get("csrf", "")):
        raise Refused(403, "err.csrf")
    return fields


def text(form: dict[str, str], name: str, label: str, max_len: int, *,
         required: bool = True) -> str:
    value = form.get(name, "").strip()
    if required and not value:
        raise FormError(label, "required")
    if len(value) > max_len:
        raise FormError(label, "too_long", max=max_len)
    return value


def order_list(form: dict[str, str], name: str, label: str, most: int) -> list[str]:
    """Order numbers separated by spaces, commas or lines: each at most 40 characters, at
    least one and at most `most`, each once, in the order given."""
    found = list(dict.fromkeys(_LIST_SPLIT.split(form.get(name, "").strip()) if
                               form.get(name, "").strip() else []))
    if not found:
        raise FormError(label, "required")
    if len(found) > most:
        raise FormError(label, "too_many", max=most)
    long = next((no for no in found if len(no) > 40), None)
    if long is not None:
        raise FormError(label, "too_long", max=40)
    return found


def integer(form: dict[str, str] | Any, name: str, label: str, lo: int, hi: int,
            default: int | None = None) -> int | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        if default is None:
            return None
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise FormError(label, "int", lo=lo, hi=hi)
    return int(raw)


def choice(form: dict[str, str] | Any, name: str, label: str, choices: tuple[str, ...],
           default: str) -> str:
    value = (form.get(name) or default).strip()
    if value not in choices:
        raise FormError(label, "choice", choices=" / ".join(choices))
    return value


def coupon_code(form: dict[str, str], name: str, label: str, *, required: bool) -> str:
    value = text(form, name, label, 40, required=required)
    if value and not _CODE.match(value):
        raise FormError(label, "code")
    return value
