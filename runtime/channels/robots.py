"""Chat robots of DingTalk, WeCom and Feishu: each vendor's message format and signature, one
function per vendor, so a message is said once and sent to whichever the reader chose.

- DingTalk custom robot: markdown; with a signing secret, `timestamp` (ms) and `sign` =
  base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")) go on the URL. Success: `errcode` 0.
- WeCom group robot: markdown; the key is in the URL, no signature. Success: `errcode` 0.
- Feishu custom bot: text; with a secret, `timestamp` (s) and `sign` = base64(HMAC-SHA256(key =
  "<timestamp>\\n<secret>", message = "")) go in the body. Success: `code` (or `StatusCode`) 0.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

KINDS = ("dingtalk", "wecom", "feishu")


@dataclass(frozen=True)
class Message:
    title: str
    text: str = ""
    link: str | None = None


def _digest(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def dingtalk(url: str, message: Message, secret: str | None, now_ms: int) -> tuple[str, dict[str, Any]]:
    lines = [f"### {message.title}", message.text] + ([f"[{message.link}]({message.link})"] if message.link else [])
    body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": "\n\n".join(x for x in lines if x)}}
    if secret:
        sign = _digest(secret.encode(), f"{now_ms}\n{secret}".encode())
        url = f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={quote(sign, safe='')}"
    return url, body


def wecom(url: str, message: Message, secret: str | None, now_ms: int) -> tuple[str, dict[str, Any]]:
    lines = [f"**{message.title}**", message.text] + ([f"[{message.link}]({message.link})"] if message.link else [])
    return url, {"msgtype": "markdown", "markdown": {"content": "\n".join(x for x in lines if x)}}


def feishu(url: str, message: Message, secret: str | None, now_ms: int) -> tuple[str, dict[str, Any]]:
    text = "\n".join(x for x in (message.title, message.text, message.link or "") if x)
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
    if secret:
        stamp = now_ms // 1000
        body = {"timestamp": str(stamp), "sign": _digest(f"{stamp}\n{secret}".encode(), b""), **body}
    return url, body


FORMATS: dict[str, Callable[[str, Message, str | None, int], tuple[str, dict[str, Any]]]] = {
    "dingtalk": dingtalk, "wecom": wecom, "feishu": feishu}


def accepted(kind: str, answer: Any) -> bool:
    """Whether the vendor's JSON answer says the message was taken."""
    if not isinstance(answer, dict):
        return False
    if kind == "feishu":
        return answer.get("code", answer.get("StatusCode")) == 0
    return answer.get("errcode") == 0
