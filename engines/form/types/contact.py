"""Contact details: phone numbers and e-mail addresses, stored normalised.

Phones: mainland mobiles `13812345678`, landlines with area code `010-12345678[-ext]`, and
international numbers in E.164 `+447911123456`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad, parse_text
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.textmatch import FragmentFilter

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EXTENSION = re.compile(r"^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-()（）.·]")
TEXT_MATCH_OPS = ("eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with", "empty", "not_empty")
PhoneKind = Literal["mobile", "landline", "international"]


class ContactField(FragmentFilter, FieldType):
    group = "contact"
    storage = StorageKind.TEXT
    searchable = True
    can_be_unique = True

    def _text(self, value: Any) -> str | None:
        if value is None:
            return None
        text = parse_text(value)
        return text.strip() if text and text.strip() else None

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return TEXT_MATCH_OPS


class PhoneOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[PhoneKind] = Field(default_factory=lambda: ["mobile", "landline", "international"], min_length=1, max_length=3)


def normalise_phone(text: str) -> tuple[PhoneKind, str] | None:
    text, extension = text.strip(), None
    if split := _EXTENSION.match(text):  # "010-12345678 转 123", "… ext. 12"
        text, extension = split[1], split[2]
    compact, china = _SEPARATORS.sub("", text), False
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact, china = compact[len(prefix):], True
    if not china and compact.startswith(("+", "00")):
        number = "+" + compact[1 if compact.startswith("+") else 2:]
        return ("international", number) if _E164.match(number) and extension is None else None
    if not china and re.fullmatch(r"861[3-9]\d{9}", compact):
        compact = compact[2:]
    if _MOBILE.match(compact):
        return ("mobile", compact) if extension is None else None
    if china and not compact.startswith("0"):
        compact = "0" + compact  # "+86 10 1234 5678" drops the trunk zero
    if not _LANDLINE.match(compact) and extension is None and (tail := re.search(r"[-\s]+(\d{1,6})$", text)):
        if _LANDLINE.match(compact[: -len(tail[1])]):  # "010-12345678-123"
            compact, extension = compact[: -len(tail[1])], tail[1]
    if match := _LANDLINE.match(compact):
        return "landline", f"{match[1]}-{match[2]}" + (f"-{extension}" if extension else "")
    return None


class PhoneField(ContactField):
    type = "phone"
    label = {"zh-CN": "电话", "en": "Phone"}
    description = {"zh-CN": "手机号、带区号的座机或国际号码", "en": "Mobile, landline with area code, or international number"}
    Options = PhoneOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        text = self._text(value)
        if text is None:
            return None
        found = normalise_phone(text) if len(text) <= 40 else None
        if found is None:
            raise bad("not_phone", "Not a phone number: give a mobile, a landline with area code or +country number.",
                      "电话号码格式不正确：请填写手机号、带区号的座机或 + 国家码号码。")
        kind, number = found
        if kind not in spec.options.kinds:
            names = {"mobile": ("a mobile", "手机号"), "landline": ("a landline", "座机"), "international": ("an international number", "国际号码")}
            raise bad("phone_kind", f"This field does not accept {names[kind][0]}.", f"此处不接受{names[kind][1]}。")
        return number

    def fragment(self, spec: FieldSpec, text: str) -> str:
        return _SEPARATORS.sub("", text)

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "maxLength": 40, "examples": ["13812345678", "010-12345678", "+447911123456"]}


_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)


class EmailOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domains: list[str] = Field(default_factory=list, max_length=50, description="accept only these domains; empty for any")


class EmailField(ContactField):
    type = "email"
    label = {"zh-CN": "邮箱", "en": "Email"}
    description = {"zh-CN": "电子邮件地址", "en": "An e-mail address"}
    Options = EmailOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        text = self._text(value)
        if text is None:
            return None
        # Lower case throughout: mail systems treat local parts case-blind, and so must
        # uniqueness and search. Plain ASCII addresses (nearly all) take a strict pattern;
        # anything else goes through the full validator (internationalised names, quoting).
        if _PLAIN_EMAIL.fullmatch(text) and ".." not in text:
            address = text.lower()
        else:
            try:
                address = validate_email(text, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                raise bad("not_email", "Not an e-mail address.", "邮箱地址格式不正确。") from None
        domains = [d.lower().lstrip("@") for d in spec.options.domains]
        if domains and address.rsplit("@", 1)[1].lower() not in domains:
            raise bad("email_domain", f"Use an address at {', '.join(domains)}.", f"请使用 {', '.join(domains)} 的邮箱。")
        return address

    def fragment(self, spec: FieldSpec, text: str) -> str:
        return text.lower()

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "format": "email", "maxLength": 254}
