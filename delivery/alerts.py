"""IM robot message formats: DingTalk, Telegram, WeCom. Pure functions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit


def dingtalk(text: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": text}}


def wecom(text: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": text}}


def telegram(text: str, url: str) -> dict[str, Any]:
    chat = parse_qs(urlsplit(url).query).get("chat_id", ["0"])[0]
    return {"chat_id": chat, "text": text, "disable_web_page_preview": True}


def format_for(channel: str, text: str, url: str) -> dict[str, Any]:
    if channel == "telegram":
        return telegram(text, url)
    if channel == "wecom":
        return wecom(text)
    return dingtalk(text)
