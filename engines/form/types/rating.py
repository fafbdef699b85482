"""Rating: one to N stars, a whole number."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad, parse_integer
from engines.form.types.base import FieldSpec, FieldType, StorageKind

_STARS = "★⭐"
_EMPTY_STARS = "☆ "


class RatingOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max: int = Field(5, ge=3, le=10, description="the number of stars")
    icon: Literal["star", "heart", "thumb"] = "star"


class RatingField(FieldType):
    type = "rating"
    label = {"zh-CN": "评分", "en": "Rating"}
    description = {"zh-CN": "1 到 N 颗星的整数评分", "en": "One to N stars, as a whole number"}
    group = "number"
    storage = StorageKind.INTEGER
    Options = RatingOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and value.strip() and all(ch in _STARS + _EMPTY_STARS for ch in value.strip()):
            value = sum(ch in _STARS for ch in value)  # "★★★☆☆" from a spreadsheet
        stars = parse_integer(value)
        top = spec.options.max
        if not 1 <= stars <= top:
            raise bad("out_of_range", f"Give 1 to {top} stars.", f"评分应为 1 到 {top} 星。")
        return stars

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["integer", "null"], "minimum": 1, "maximum": spec.options.max}
