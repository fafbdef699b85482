"""Guessing a form from a spreadsheet: one field per column, its type read from the values.

Pure: headers and cell values in, a proposed definition out (nothing is stored). Every type is
chosen only when all non-empty values of the column fit it, in this order: checkbox, date or
date-time, phone, ID card, e-mail, URL, money or number, multi select, single select, then text
(long or multi-line values make a textarea). Keys come from a small glossary of common business
headers, else from ASCII headers, else from the type (`text_2`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from engines.form.definition import RESERVED_KEYS, snake_key
from engines.form.types.contact import normalise_phone
from engines.form.types.id_card import check_character

SAMPLE = 2_000
MAX_SINGLE_CHOICES = 12
MAX_MULTI_CHOICES = 30
MAX_CHOICE_LENGTH = 40
TEXTAREA_LENGTH = 100
_BOOLEAN = {"是", "否", "yes", "no", "y", "n", "true", "false", "对", "错", "√", "×", "✓", "✗"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATETIME = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
_ID_CARD = re.compile(r"^\d{17}[\dXx]$")
_CURRENCY = re.compile(r"^\s*(?:[¥￥$€£]|HK\$|RMB|CNY|USD)\s*|\s*(?:元|块|CNY|RMB|USD)\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"[,，、;；]")
_MONEY_WORDS = ("金额", "价格", "单价", "总价", "费用", "成本", "收入", "预算", "工资", "薪资", "报价", "合同额", "销售额",
                "amount", "price", "cost", "fee", "revenue", "budget", "salary", "total")
GLOSSARY = {
    "客户名称": "customer_name", "客户": "customer", "公司名称": "company_name", "公司": "company", "名称": "name",
    "姓名": "name", "联系人": "contact", "金额": "amount", "合同金额": "contract_amount", "价格": "price",
    "单价": "unit_price", "数量": "quantity", "总价": "total", "签约日期": "signed_on", "日期": "date",
    "开始日期": "start_date", "结束日期": "end_date", "创建日期": "created_on", "行业": "industry", "地区": "region",
    "城市": "city", "省份": "province", "地址": "address", "手机": "mobile", "手机号": "mobile", "电话": "phone",
    "联系电话": "phone", "邮箱": "email", "电子邮箱": "email", "网址": "website", "网站": "website",
    "身份证": "id_card", "身份证号": "id_card", "备注": "remarks", "说明": "notes", "描述": "description",
    "状态": "status", "阶段": "stage", "类型": "category", "类别": "category", "标签": "tags", "负责人": "owner_name",
    "部门": "department", "职位": "title", "性别": "gender", "年龄": "age", "来源": "source", "等级": "level",
    "级别": "level", "编号": "code", "产品": "product", "产品名称": "product_name", "是否签约": "signed",
    "是否有效": "active", "邮编": "postcode", "传真": "fax", "生日": "birthday", "入职日期": "hired_on",
}


@dataclass
class InferredField:
    column: int
    header: str
    key: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    def definition(self, label: str) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "type": self.type, "label": {"zh-CN": label, "en": label}}
        if self.options:
            out["options"] = self.options
        return out


def infer_fields(headers: list[str], rows: Iterable[list[Any]]) -> list[InferredField]:
    """One field per column that has a header; `rows` are data rows (a sample is enough)."""
    columns: list[list[Any]] = [[] for _ in headers]
    for index, row in enumerate(rows):
        if index >= SAMPLE:
            break
        for column, value in enumerate(row[: len(headers)]):
            if value is not None and not (isinstance(value, str) and not value.strip()):
                columns[column].append(value.strip() if isinstance(value, str) else value)
    taken: set[str] = set()
    out = []
    for column, header in enumerate(headers):
        name = (header or "").strip()
        if not name:
            continue
        field_type, options, reason = infer_type(name, columns[column])
        key = propose_key(name, field_type, taken)
        taken.add(key)
        out.append(InferredField(column, name, key, field_type, options, reason))
    return out


def propose_form(key: str, label: str, headers: list[str], rows: Iterable[list[Any]]) -> tuple[dict[str, Any], list[InferredField]]:
    fields = infer_fields(headers, rows)
    title = next((f.key for f in fields if f.type == "text"), None)
    definition: dict[str, Any] = {
        "key": key,
        "label": {"zh-CN": label[:200], "en": label[:200]},
        "fields": [f.definition(f.header[:200]) for f in fields],
    }
    if title:
        definition["settings"] = {"title_field": title}
    return definition, fields


def propose_key(header: str, field_type: str, taken: set[str]) -> str:
    base = GLOSSARY.get(header.strip())
    if base is None and re.search(r"[A-Za-z]", header):
        base = snake_key(header, taken)
    if base is None:
        base = field_type
    return snake_key(base, taken | RESERVED_KEYS)


def infer_type(header: str, values: list[Any]) -> tuple[str, dict[str, Any], str]:
    if not values:
        return "text", {}, "no values"
    texts = [_text(v) for v in values]
    if all(isinstance(v, bool) or (isinstance(v, str) and v.strip().lower() in _BOOLEAN) for v in values) \
            and len({t.lower() for t in texts}) <= 2:
        return "checkbox", {}, "yes/no values"
    moments = [_moment(v) for v in values]
    if all(m is not None for m in moments):
        if all(isinstance(m, date) and not isinstance(m, datetime) for m in moments):
            return "date", {}, "dates"
        return "datetime", {}, "dates with times"
    if all(isinstance(v, str) and normalise_phone(v) is not None for v in values) or \
            all(_integral(v) and normalise_phone(_text(v)) is not None and len(_text(v)) == 11 for v in values):
        return "phone", {}, "phone numbers"
    if all(isinstance(v, str) and _ID_CARD.match(v) and check_character(v[:17]) == v[17].upper() for v in values):
        return "id_card", {}, "ID card numbers"
    if all(isinstance(v, str) and _EMAIL.match(v) for v in values):
        return "email", {}, "e-mail addresses"
    if all(isinstance(v, str) and _URL.match(v) for v in values):
        return "url", {}, "web addresses"
    numbers = [_number(v) for v in values]
    if all(n is not None for n in numbers):
        return _numeric(header, values, numbers)  # type: ignore[arg-type]
    multi = _multi(values)
    if multi:
        return "multi_select", {"choices": [{"value": c} for c in multi], "display": "tags"}, "repeated tags"
    distinct = list(dict.fromkeys(texts))
    if (len(distinct) <= MAX_SINGLE_CHOICES and len(distinct) < len(texts) and len(texts) >= 3
            and all(len(d) <= MAX_CHOICE_LENGTH for d in distinct)):
        return "single_select", {"choices": [{"value": d} for d in distinct]}, f"{len(distinct)} repeated values"
    if any(len(t) > TEXTAREA_LENGTH or "\n" in t for t in texts):
        return "textarea", {}, "long text"
    return "text", {}, "text"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integral(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


def _moment(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    if match := _DATE.match(value):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if match := _DATETIME.match(value):
        try:
            moment = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]), int(match[6] or 0))
        except ValueError:
            return None
        return moment.date() if moment.time() == time(0) else moment
    return None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not isinstance(value, str):
        return None
    text = _CURRENCY.sub("", value).replace(",", "").replace("，", "").strip()
    if not text or len(text) > 30 or text.lstrip("-").startswith("0") and len(text.lstrip("-")) > 1 and "." not in text:
        return None  # "0571…" is a code, not a number
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _numeric(header: str, values: list[Any], numbers: list[Decimal]) -> tuple[str, dict[str, Any], str]:
    decimals = [max(-n.as_tuple().exponent, 0) for n in numbers]  # type: ignore[operator]
    precision = min(max(decimals, default=0), 8)
    with_symbol = any(isinstance(v, str) and _CURRENCY.search(v) for v in values)
    worded = any(word in header.lower() for word in _MONEY_WORDS)
    two_places = precision == 2  # Excel drops trailing zeros: 3.10 arrives as 3.1
    if with_symbol or worded or two_places:
        why = "currency symbols" if with_symbol else "a money header" if worded else "two decimals"
        return "money", {"currency": _currency(values), "precision": 2}, why
    return "number", {"precision": precision}, "numbers"


def _currency(values: list[Any]) -> str:
    joined = " ".join(v for v in values[:50] if isinstance(v, str))
    if "$" in joined and "HK$" in joined:
        return "HKD"
    for symbol, code in (("US$", "USD"), ("USD", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP")):
        if symbol in joined:
            return code
    return "CNY"


def _multi(values: list[Any]) -> list[str] | None:
    if not all(isinstance(v, str) for v in values) or not any(_SEPARATOR.search(v) for v in values):
        return None
    tokens = [t.strip() for v in values for t in _SEPARATOR.split(v) if t.strip()]
    distinct = list(dict.fromkeys(tokens))
    if len(distinct) > MAX_MULTI_CHOICES or len(distinct) >= len(tokens) or any(len(t) > MAX_CHOICE_LENGTH for t in distinct):
        return None
    return distinct
