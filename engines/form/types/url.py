"""Web links: http and https only, normalised; `javascript:`, `data:`, `file:` and the rest are refused.

A link is shown to other users as something to click, so anything that is not a plain web
address (other schemes, embedded credentials, control characters, backslashes) is refused.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from engines.form.columns import bad
from engines.form.types.base import FieldSpec, NoOptions
from engines.form.types.contact import ContactField

_BARE_HOST = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?$", re.IGNORECASE)


def normalise_url(text: str) -> str | None:
    """http(s) only; `www.example.com` gets https://. Anything with another scheme is refused."""
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in text) or len(text) > 2048 or "\\" in text:
        return None
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if not _BARE_HOST.match(text):
            return None  # javascript:, data:, file:, mailto:…, or not a link at all
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    netloc = host.lower() if ":" not in host else f"[{host.lower()}]"
    netloc += f":{port}" if port is not None else ""
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, parts.fragment))


class UrlField(ContactField):
    type = "url"
    label = {"zh-CN": "链接", "en": "Link"}
    description = {"zh-CN": "网址（仅 http / https）", "en": "A web address (http or https only)"}
    Options = NoOptions
    can_be_unique = False

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        text = self._text(value)
        if text is None:
            return None
        url = normalise_url(text)
        if url is None:
            raise bad("not_url", "Not a web address: use http:// or https://.", "网址格式不正确：仅支持 http:// 或 https://。")
        return url

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        # Not `format: uri`: "www.example.com" is accepted and stored as https://www.example.com/.
        return {"type": ["string", "null"], "maxLength": 2048, "examples": ["https://example.com/", "www.example.com"]}
