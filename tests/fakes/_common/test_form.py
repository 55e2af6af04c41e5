"""The gateway's form parser gives the pairs parse_qsl(keep_blank_values=True) gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from fakes._common.body import parse_form

_RAW = st.text(alphabet=st.sampled_from("ab=&+%2F3A é%zz;"), max_size=30)


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=5))
def test_encoded_forms_parse_as_parse_qsl(fields: dict[str, str]) -> None:
    text = urlencode(fields)
    assert parse_form(text) == parse_qsl(text, keep_blank_values=True)


@given(_RAW)
def test_any_text_parses_as_parse_qsl(text: str) -> None:
    assert parse_form(text) == parse_qsl(text, keep_blank_values=True)


def test_blank_and_bare_names_are_kept() -> None:
    assert parse_form("a=&b&&c=1+2%2B") == [("a", ""), ("b", ""), ("c", "1 2+")]
