"""The snooper's guesses and how it records the shop's answers (no shop: literal data)."""

import random

from drill.load.snooper import (
    ADMIN_ROUTES,
    EXCERPT,
    PATH_VARIANTS,
    WALK,
    WALK_LATER,
    answer,
    attempts,
    echoed,
    guessed,
    headers_of,
    neighbour,
    shape,
)


def test_neighbour_steps_the_last_character() -> None:
    assert neighbour("T00000001") == "T00000002"
    assert neighbour("1764633600123abcdef9") == "1764633600123abcdefa"  # digit 9 -> hex a
    assert neighbour("1764633600123abcdeff") == "1764633600123abcdef0"
    assert neighbour("T00000009") == "T00000000" and neighbour("ab-z") == "ab-a"
    assert neighbour("x-") == "x-1" and neighbour("") == "1"


def test_guessed_keeps_the_shape() -> None:
    g = guessed("1764633600123abcdef0", random.Random(3))
    assert len(g) == 20 and g[:10] == "1764633600" and g != "1764633600123abcdef0"


def test_attempts_cover_every_means() -> None:
    victims = [("T1", "tokT1"), ("T2", "tokT2")]
    tries = list(attempts(victims, random.Random(0)))
    hows = [(f, how) for f, how, _route, _no, _p in tries]
    assert ("snoop_order", "no_token") in hows and ("snoop_cards", "wrong_token") in hows
    assert ("snoop_cards", "neighbour") in hows and ("snoop_order", "guessed") in hows
    other = next(t for t in tries if t[1] == "other_token")
    assert other[3] == "T2" and other[4] == {"token": "tokT1"}, "the newest order, another token"
    admin = [t for t in tries if t[0] == "snoop_admin"]
    assert {t[2] for t in admin} == {*ADMIN_ROUTES, *PATH_VARIANTS}
    assert all(t[3] is None for t in admin)
    assert not any(t[1] == "other_token" for t in attempts(victims[:1], random.Random(0)))


def test_answer_records_what_was_seen() -> None:
    assert answer(404, b'{"error": "no"}', admin=False) == ("fail", {})
    assert answer(401, b"", admin=True) == ("fail", {})
    assert answer(0, b"", admin=False) == ("info", {})
    assert answer(200, b'{"order_no": "T1", "cards": ["K1"]}', admin=False) == (
        "ok", {"cards": ["K1"]})
    assert answer(200, b'{"orders": [{}, {}]}', admin=True) == ("ok", {"admin_items": 2})


def test_echoed_counts_victim_tokens_beyond_the_one_sent_and_bounds_the_excerpt() -> None:
    victims = [("A", "tokA"), ("B", "tokB")]
    body = b"no order 'B' (debug: {'token': 'tokB', 'contact': 'x@y'}) asked with tokA"
    out = echoed(body, victims, "tokA")
    assert out["tokens_echoed"] == 1 and out["excerpt"].startswith("no order 'B'")
    assert "tokens_echoed" not in echoed(b"no order 'B' for this token", victims, None)
    assert echoed(b"", victims, None) == {}
    assert len(echoed(b"x" * (EXCERPT * 3), victims, None)["excerpt"]) == EXCERPT


def test_near_tokens_and_admin_probes_a_compare_that_is_not_exact_would_let_in() -> None:
    victims = [("T1", "tokT1"), ("T2", "abCD12")]
    tries = list(attempts(victims, random.Random(0)))
    cards = {t[1]: t[4]["token"] for t in tries if t[0] == "snoop_cards" and t[3] == "T2"
             and "token" in t[4]}
    assert cards["empty_token"] == "" and cards["blank_token"] == " "
    assert cards["token_prefix"] == "abC" and cards["token_case"] == "ABcd12"
    admin = [(t[1], t[4]) for t in tries if t[0] == "snoop_admin"]
    assert ("admin_empty_token", {"bearer": ""}) in admin
    assert ("admin_query_token", {"token": ""}) in admin
    assert ("admin_other_header", {"x-admin-token": "abCD12"}) in admin
    spelt = [t[2] for t in tries if t[1] == "admin_path_variant"]
    assert spelt == list(PATH_VARIANTS) and all(t[4] == {} for t in tries
                                                if t[1] == "admin_path_variant")
    walk = [p["bearer"] for how, p in admin if how == "admin_prefix"]
    assert walk == list(WALK), "the first snooper of a process tries every one-char token"
    later = [t[4]["bearer"] for t in attempts(victims, random.Random(0), nth=2)
             if t[1] == "admin_prefix"]
    again = [t[4]["bearer"] for t in attempts(victims, random.Random(0), nth=3)
             if t[1] == "admin_prefix"]
    assert len(later) == WALK_LATER and set(later).isdisjoint(again)
    digits = [t[1] for t in attempts([("T3", "123456")], random.Random(0))]
    assert "token_case" not in digits and "token_prefix" in digits


def test_headers_and_the_recorded_shape_of_a_credential() -> None:
    assert headers_of({"bearer": ""}) == {"Authorization": "Bearer "}
    assert headers_of({"x-admin-token": "t"}) == {"x-admin-token": "t"}
    assert headers_of({"token": "t"}) is None
    assert shape("") == "0 chars" and shape("d") == "1 chars, 'd'…"
    assert "secret" not in shape("secret-token")
