"""Single-line and multi-line text."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engines.form.columns import bad, parse_text
from engines.form.types.base import FieldSpec, FieldType, StorageKind


class TextOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_length: int | None = Field(None, ge=0, le=20000)
    max_length: int = Field(200, ge=1, le=20000)
    pattern: str | None = Field(None, max_length=300, description="a regular expression the whole value must match")
    pattern_message: dict[str, str] | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern


class TextField(FieldType):
    type = "text"
    label = {"zh-CN": "单行文本", "en": "Single-line text"}
    description = {"zh-CN": "姓名、标题、编号等短文本", "en": "Short text such as names, titles, codes"}
    group = "text"
    storage = StorageKind.TEXT
    searchable = True
    can_be_unique = True
    Options = TextOptions
    multiline = False

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        text = parse_text(value)
        if text is None:
            return None
        if not self.multiline:
            text = text.strip()
            if "\n" in text or "\r" in text:
                raise bad("single_line", "Line breaks are not allowed here.", "此处不允许换行。")
        if text == "":
            return None
        options = spec.options
        if len(text) > options.max_length:
            raise bad("too_long", f"At most {options.max_length} characters.", f"最多 {options.max_length} 个字符。")
        if options.min_length and len(text) < options.min_length:
            raise bad("too_short", f"At least {options.min_length} characters.", f"至少 {options.min_length} 个字符。")
        if options.pattern and not _full_match(options.pattern, text):
            custom = options.pattern_message or {}
            raise bad("pattern", custom.get("en", "The value has the wrong format."), custom.get("zh-CN", "格式不正确。"))
        return text


def _full_match(pattern: str, text: str) -> bool:
    # Builders' patterns run on short single values (length capped above), never on whole documents.
    return re.fullmatch(pattern, text[:20000]) is not None


class TextareaOptions(TextOptions):
    max_length: int = Field(5000, ge=1, le=20000)


class TextareaField(TextField):
    type = "textarea"
    label = {"zh-CN": "多行文本", "en": "Multi-line text"}
    description = {"zh-CN": "备注、说明等较长文本", "en": "Longer text such as notes and descriptions"}
    Options = TextareaOptions
    multiline = True
    can_be_unique = False
