"""Mainland resident identity card numbers (居民身份证号码, GB 11643): 18 characters.

Six digits of region, the birth date YYYYMMDD, a three-digit sequence and a check character
computed with ISO 7064 MOD 11-2. A trailing `x` is stored as `X`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad, format_number, parse_text
from engines.form.data.divisions import province_codes
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.textmatch import FragmentFilter

_SHAPE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def birth_date(number: str) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


class IdCardOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mask_in_lists: bool = Field(True, description="list views show only the first 6 and last 4 characters; forms and exports show the whole number")


class IdCardField(FragmentFilter, FieldType):
    type = "id_card"
    label = {"zh-CN": "身份证号", "en": "ID card number"}
    description = {"zh-CN": "18 位居民身份证号码，校验地区、出生日期和校验码", "en": "18-character mainland ID number, checked for region, birth date and check digit"}
    group = "contact"
    storage = StorageKind.TEXT
    searchable = True
    can_be_unique = True
    Options = IdCardOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = format_number(value)  # a spreadsheet that took the number for a number
        text = parse_text(value)
        if text is None or not text.strip():
            return None
        number = re.sub(r"\s", "", text).upper()
        if not _SHAPE.match(number):
            raise bad("not_id_card", "An ID card number has 17 digits and a final digit or X.",
                      "身份证号应为 17 位数字加 1 位数字或 X。")
        if number[:2] not in province_codes():
            raise bad("id_card_region", "The region code of this ID card number does not exist.", "身份证号的地区码不存在。")
        if birth_date(number) is None:
            raise bad("id_card_birth", "The birth date in this ID card number is not a real date.", "身份证号中的出生日期无效。")
        if check_character(number[:17]) != number[17]:
            raise bad("id_card_check", "The check digit of this ID card number is wrong: please check for typos.",
                      "身份证号校验码错误，请检查是否输错。")
        return number

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("eq", "ne", "in", "not_in", "starts_with", "ends_with", "empty", "not_empty")

    def fragment(self, spec: FieldSpec, text: str) -> str:
        return re.sub(r"\s", "", text).upper()

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "pattern": r"^\s*\d{17}[\dXx]\s*$"}
