"""Signature algorithms against fixed vectors (cross-checked with md5sum / openssl dgst)."""

from __future__ import annotations

from fakes.payment import epay
from fakes.sink.robots import dingtalk_sign, dingtalk_sign_ok
from fakes.supplier import auth

EPAY_PARAMS = {
    "pid": "1001", "type": "alipay", "out_trade_no": "20240101000001",
    "notify_url": "http://127.0.0.1:8000/notify/epay", "return_url": "http://127.0.0.1:8000/return",
    "name": "VIP会员", "money": "1.00", "sign_type": "MD5", "param": "",
}
EPAY_KEY = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i"


def test_epay_sign_string_sorts_and_drops_empty_and_sign_fields() -> None:
    assert epay.sign_string(EPAY_PARAMS) == (
        "money=1.00&name=VIP会员&notify_url=http://127.0.0.1:8000/notify/epay"
        "&out_trade_no=20240101000001&pid=1001&return_url=http://127.0.0.1:8000/return"
        "&type=alipay"
    )


def test_epay_md5_vector() -> None:
    assert epay.sign(EPAY_PARAMS, EPAY_KEY) == "f81ade38cdab7a6119af53090fd573dc"
    assert epay.verify({**EPAY_PARAMS, "sign": "f81ade38cdab7a6119af53090fd573dc"}, EPAY_KEY)
    assert not epay.verify({**EPAY_PARAMS, "sign": "f81ade38cdab7a6119af53090fd573dd"}, EPAY_KEY)
    assert not epay.verify(EPAY_PARAMS, EPAY_KEY)  # no sign at all


def test_dujiao_next_hmac_vector() -> None:
    body = b'{"sku_id":"apple-100","quantity":1,"downstream_order_no":"D1"}'
    assert auth.signature("s3cret", "POST", "/api/v1/upstream/orders", "1700000000", body) == (
        "bf243586c9fc530c5dd4917b302eb963a49616c904824d303ef93da7c0708b79")
    assert auth.signature("s3cret", "GET", "/api/v1/upstream/products", "1700000000", b"") == (
        "8c6b0fc519885e451793974400d82ac3884193f567c1aa95fecbc6fb1c93f4a0")


def test_dujiao_next_check_reasons() -> None:
    body = b"{}"
    good = auth.sign_headers("k", "s", "POST", "/p", body, ts=1700000000)
    assert auth.check(good, "k", "s", "POST", "/p", body, now=1700000030) is None
    assert "from server time" in str(auth.check(good, "k", "s", "POST", "/p", body,
                                                now=1700000061))
    assert auth.check(good, "k", "s", "POST", "/p", b"{ }", now=1700000000) == "signature mismatch"
    assert auth.check(good, "other", "s", "POST", "/p", body, now=1700000000) == "unknown api key"
    assert "missing" in str(auth.check({}, "k", "s", "POST", "/p", body))


def test_dingtalk_sign_vector() -> None:
    assert dingtalk_sign("SEC000000000000000000000", 1577262236757) == (
        "xOJIB8eNoYWeLy26EMZOlc2RjOJbtPv9HYjm%2BE3uALU%3D")
    assert dingtalk_sign_ok("SEC000000000000000000000", "1577262236757",
                            "xOJIB8eNoYWeLy26EMZOlc2RjOJbtPv9HYjm+E3uALU=")
