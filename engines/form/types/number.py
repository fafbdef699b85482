"""Numbers and money: exact decimals with precision, bounds, units and display settings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad, parse_decimal
from engines.form.types.base import FieldSpec, FieldType, StorageKind


class NumberOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    precision: int = Field(0, ge=0, le=8, description="digits after the decimal point")
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str | None = Field(None, max_length=20)
    thousands_separator: bool = True


_QUANTA = tuple(Decimal(1).scaleb(-precision) for precision in range(9))  # 1, 0.1 … 1E-8


def _quantize(value: Decimal, precision: int) -> Decimal:
    quantum = _QUANTA[precision] if 0 <= precision < len(_QUANTA) else Decimal(1).scaleb(-precision)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


class NumberField(FieldType):
    type = "number"
    label = {"zh-CN": "数字", "en": "Number"}
    description = {"zh-CN": "整数或小数，可设精度、单位、上下限", "en": "Integer or decimal with precision, unit and bounds"}
    group = "number"
    storage = StorageKind.DECIMAL
    can_be_unique = True
    Options = NumberOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        options = spec.options
        number = _quantize(parse_decimal(self._strip(value)), options.precision)
        if options.min is not None and number < options.min:
            raise bad("too_small", f"At least {options.min}.", f"不能小于 {options.min}。")
        if options.max is not None and number > options.max:
            raise bad("too_large", f"At most {options.max}.", f"不能大于 {options.max}。")
        return number

    def _strip(self, value: Any) -> Any:
        return value

    def from_db(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else _quantize(Decimal(value), spec.options.precision)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        return int(value) if spec.options.precision == 0 else float(value)


class MoneyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    currency: Literal["CNY", "USD", "EUR", "HKD", "JPY", "GBP"] = "CNY"
    precision: int = Field(2, ge=0, le=6)
    min: Decimal | None = None
    max: Decimal | None = None
    show_capital: bool = Field(False, description="show the amount in Chinese capital numerals (大写金额)")


class MoneyField(NumberField):
    type = "money"
    label = {"zh-CN": "金额", "en": "Money"}
    description = {"zh-CN": "精确金额，支持币种与大写金额", "en": "Exact amount with currency and Chinese capital display"}
    Options = MoneyOptions

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else float(value)


class PercentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    precision: int = Field(2, ge=0, le=6, description="digits after the decimal point of the percentage")
    min: Decimal | None = None
    max: Decimal | None = None


class PercentField(NumberField):
    """Stored as the percentage itself (12.5 means 12.5 %); "12.5%" is accepted as input."""

    type = "percent"
    label = {"zh-CN": "百分比", "en": "Percent"}
    description = {"zh-CN": "以百分数存储，例如 12.5 表示 12.5%", "en": "Stored as a percentage: 12.5 means 12.5 %"}
    Options = PercentOptions
    can_be_unique = False

    def _strip(self, value: Any) -> Any:
        return value.strip().rstrip("%").strip() if isinstance(value, str) else value


def capital_amount(amount: Decimal) -> str:
    """人民币大写金额, e.g. 1234.5 → 壹仟贰佰叁拾肆元伍角整."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    sections = ["", "万", "亿", "兆"]
    if amount < 0:
        return "负" + capital_amount(-amount)
    cents = int(_quantize(amount, 2) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if yuan == 0 and jiao == 0 and fen == 0:
        return "零元整"
    text = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        parts: list[str] = []
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                if parts and not parts[-1].endswith("零"):
                    parts.append("零")
                continue
            chunk, zero = "", False
            for position in range(3, -1, -1):
                digit = group // 10**position % 10
                if digit == 0:
                    zero = bool(chunk)
                    continue
                if zero or (not chunk and parts and position < 3 and not parts[-1].endswith("零")):
                    chunk += "零"
                chunk += digits[digit] + units[position]
                zero = False
            parts.append(chunk + sections[index])
        text = "".join(parts).rstrip("零") + "元"
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        text += digits[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += digits[fen] + "分"
    else:
        text += "整"
    return text
