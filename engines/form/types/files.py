"""Attachments, images and signatures: JSON lists of references into the platform's file store.

A reference is `{key, name, size, content_type}`. The field type checks only the shape and the
field's limits; the records layer replaces each reference with the file store's own row (so a
client cannot lie about name, size or type), checks that the user may attach that file, and
parses again to apply the limits to the real values.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engines.expr import types as et
from engines.form.columns import bad
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.jsonvalue import JsonValueFilter

FILE_KEY = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
RASTER_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
MAX_FILE_BYTES = 1024**3
_CELL_LINE = re.compile(r"^(.*?)\s*<([A-Za-z0-9_-]{32,64})>$")
_ITEM_KEYS = frozenset({"key", "name", "size", "content_type"})
MiB = 1024 * 1024


def safe_file_name(name: str) -> str:
    """A user's file name made safe to show: no path, no control or bidi characters, ≤ 255."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = name.strip().strip(".") or "file"
    stem, dot, extension = name.rpartition(".")
    if len(name) > 255 and dot and stem and len(extension) <= 16:
        return stem[: 254 - len(extension)] + "." + extension
    return name[:255]


def accepts(accept: list[str], name: str | None, content_type: str | None) -> bool:
    """`accept` as in HTML: `.pdf`, `image/*`, `application/pdf`; empty means anything."""
    extensions = [p for p in accept if p.startswith(".")]
    types = [p for p in accept if not p.startswith(".")]
    checkable = (extensions and name is not None) or (types and content_type is not None)
    if not accept or not checkable:
        return True  # what is unknown here is checked again once the file store has filled it in
    if name is not None and any(name.lower().endswith(p) for p in extensions):
        return True
    return content_type is not None and any(
        content_type == p or (p.endswith("/*") and content_type.startswith(p[:-1])) for p in types
    )


class AttachmentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_files: int = Field(10, ge=1, le=50)
    max_size: int = Field(20 * MiB, ge=1, le=MAX_FILE_BYTES, description="bytes per file")
    accept: list[str] = Field(default_factory=list, max_length=50, description="`.pdf`, `image/*`, `application/pdf`…")

    @field_validator("accept")
    @classmethod
    def _file_types(cls, accept: list[str]) -> list[str]:
        for pattern in accept:
            if not re.fullmatch(r"\.[a-z0-9]{1,10}|[a-z]+/(\*|[a-z0-9.+-]+)", pattern):
                raise ValueError(f"not a file type: {pattern[:30]!r} (use lower case: .pdf, image/*)")
        return accept


class AttachmentField(JsonValueFilter, FieldType):
    type = "attachment"
    label = {"zh-CN": "附件", "en": "Attachment"}
    description = {"zh-CN": "上传任意文件，可限制数量、大小和类型", "en": "Files of any kind, with limits on count, size and type"}
    group = "file"
    storage = StorageKind.JSON
    sortable = False
    Options: ClassVar[type[BaseModel]] = AttachmentOptions

    def limits(self, spec: FieldSpec) -> tuple[int, int, list[str]]:
        return spec.options.max_files, spec.options.max_size, list(spec.options.accept)

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == [] or value == "":
            return None
        if isinstance(value, (dict, str)):
            value = [value]
        if not isinstance(value, list):
            raise bad("not_files", "Expected a list of uploaded files.", "应为已上传文件的列表。")
        max_files, max_size, accept = self.limits(spec)
        if len(value) > max_files:
            raise bad("too_many_files", f"At most {max_files} files.", f"最多 {max_files} 个文件。")
        files = [self._item(item, max_size, accept) for item in value]
        if len({f["key"] for f in files}) != len(files):
            raise bad("duplicate_file", "The same file is attached twice.", "同一文件重复上传。")
        return files

    def _item(self, item: Any, max_size: int, accept: list[str]) -> dict[str, Any]:
        if isinstance(item, str):
            item = {"key": item}
        if not isinstance(item, dict) or not set(item) <= _ITEM_KEYS or not isinstance(item.get("key"), str):
            raise bad("not_file", "Each file is {key, name, size, content_type}.", "每个文件应为 {key, name, size, content_type}。")
        if not FILE_KEY.match(item["key"]):
            raise bad("not_file", "Not a file key of this platform.", "不是本平台的文件标识。")
        out: dict[str, Any] = {"key": item["key"]}
        name, size, content_type = item.get("name"), item.get("size"), item.get("content_type")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise bad("not_file", "A file name must be text.", "文件名应为文本。")
            out["name"] = safe_file_name(name)
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise bad("not_file", "A file size is a whole number of bytes.", "文件大小应为字节数。")
            if size > max_size:
                raise bad("file_too_large", f"Each file is at most {max_size // 1024} KiB.", f"每个文件最大 {max_size // 1024} KiB。")
            out["size"] = size
        if content_type is not None:
            if not isinstance(content_type, str) or not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", content_type):
                raise bad("not_file", "Not a content type.", "文件类型无效。")
            out["content_type"] = content_type
        if not accepts(accept, out.get("name"), out.get("content_type")):
            raise bad("file_type", f"Accepted types: {', '.join(accept)}.", f"只接受以下类型：{', '.join(accept)}。")
        return out

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.list_of(et.TEXT)

    def expr_value(self, spec: FieldSpec, value: Any) -> Any:
        return [f.get("name") or f["key"] for f in value or []]

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("empty", "not_empty")

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        max_files, max_size, _ = self.limits(spec)
        properties = {"key": {"type": "string", "pattern": FILE_KEY.pattern}, "name": {"type": "string", "maxLength": 255},
                      "size": {"type": "integer", "minimum": 0, "maximum": max_size}, "content_type": {"type": "string", "maxLength": 255}}
        item = {"type": "object", "properties": properties, "required": ["key"], "additionalProperties": False}
        return {"type": ["array", "null"], "items": item, "maxItems": max_files}

    def from_cell(self, spec: FieldSpec, cell: Any) -> Any:
        """One file a line, `name <key>` (what `to_cell` writes), or the JSON list itself."""
        if not isinstance(cell, str) or not cell.strip():
            return self.parse(spec, cell if cell != "" else None)
        text = cell.strip()
        if text.startswith("["):
            try:
                listed = json.loads(text)
            except ValueError:
                raise bad("not_files", "Expected a list of uploaded files.", "应为已上传文件的列表。") from None
            return self.parse(spec, listed)
        items = []
        for line in filter(None, (ln.strip() for ln in text.splitlines())):
            match = _CELL_LINE.match(line)
            items.append({"key": match[2], **({"name": match[1]} if match[1] else {})} if match else line)
        return self.parse(spec, items)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        return "\n".join(f"{f['name']} <{f['key']}>" if f.get("name") else f"<{f['key']}>" for f in value)
