"""Address: province / city / district / street checked against China's administrative divisions
(GB/T 2260, shipped in `engines/form/data/`), plus an optional free-text detail line.

Stored as JSON `{province, city, district, street, code, detail}` holding the levels down to the
field's `level`; `code` is the deepest division's GB/T 2260 code (`440305`, or 9 digits for a
street). Spreadsheets carry `广东省/深圳市/南山区/科技园1号`; "广东深圳南山区…" is understood too.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.sql.elements import ColumnElement

from engines.form.columns import bad
from engines.form.data.divisions import LEVELS, TRANSPARENT, Division, division_named, divisions, gb_code, parse_text_address
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.jsonvalue import JsonValueFilter

ADDRESS_KEYS = frozenset({*LEVELS, "code", "detail"})


class AddressOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Literal["province", "city", "district", "street"] = "district"
    detail: bool = Field(True, description="ask for a detail line (road, building, room) after the divisions")


class AddressField(JsonValueFilter, FieldType):
    type = "address"
    label = {"zh-CN": "地址", "en": "Address"}
    description = {"zh-CN": "省 / 市 / 区县 / 街道，按国家行政区划校验，可填详细地址", "en": "Province, city, district and street checked against China's divisions, with a detail line"}
    group = "place"
    storage = StorageKind.JSON
    sortable = False
    Options = AddressOptions

    def _depth(self, spec: FieldSpec) -> int:
        return LEVELS.index(spec.options.level)

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == {} or (isinstance(value, str) and not value.strip()):
            return None
        depth, detail = self._depth(spec), ""
        if isinstance(value, str):
            found = parse_text_address(value[:500], depth)
            if found is None:
                raise bad("not_address", "The address does not start with a known province, city and district.", "地址未能识别出有效的省、市、区县。")
            division, detail = found
        elif isinstance(value, dict) and set(value) <= ADDRESS_KEYS:
            division, detail = self._from_parts(value, depth), value.get("detail") or ""
        else:
            raise bad("not_address", "Expected {province, city, district, street, code, detail}.", "应为 {province, city, district, street, code, detail}。")
        if not isinstance(detail, str) or len(detail) > 200 or any(ord(c) < 0x20 for c in detail):
            raise bad("bad_detail", "The detail line is at most 200 characters of text.", "详细地址最多 200 个字符。")
        if detail.strip() and not spec.options.detail:
            raise bad("no_detail", "This address takes no detail line.", "此地址不填写详细地址。")
        out: dict[str, Any] = {LEVELS[d.level]: d.name for d in divisions().path(division.code)}
        out["code"] = gb_code(division)
        if spec.options.detail and detail.strip():
            out["detail"] = detail.strip()
        return out

    def _from_parts(self, value: dict[str, Any], depth: int) -> Division:
        code = value.get("code")
        if code is not None:
            division = divisions().resolve(str(code), depth) if isinstance(code, (str, int)) else None
            if division is None:
                raise bad("unknown_division", f"No division has the code '{str(code)[:20]}'.", f"行政区划代码“{str(code)[:20]}”不存在。")
        else:
            parent: str | None = None
            for level in LEVELS[: depth + 1]:
                name = value.get(level)
                parent = divisions().child(parent, name) if isinstance(name, str) else None
                if parent is None:
                    raise bad("unknown_division", f"Unknown {level} '{str(name)[:30]}'.", f"未知的{_ZH[level]}“{str(name)[:30]}”。")
            division = divisions().by_code[parent]
        if division.level != depth:
            raise bad("address_level", f"Choose down to the {LEVELS[depth]}.", f"请选择到{_ZH[LEVELS[depth]]}。")
        for d in divisions().path(division.code):
            given = value.get(LEVELS[d.level])
            if given not in (None, "", d.name):
                raise bad("address_mismatch", f"'{str(given)[:30]}' does not match code {gb_code(division)}.", f"“{str(given)[:30]}”与区划代码不符。")
        deeper = [lvl for lvl in LEVELS[depth + 1:] if value.get(lvl)]
        if deeper:
            raise bad("address_level", f"This address stops at the {LEVELS[depth]}.", f"此地址只到{_ZH[LEVELS[depth]]}。")
        return division

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("within", "empty", "not_empty")

    def compile_filter(self, spec: FieldSpec, target: Any, op: str, value: Any) -> ColumnElement:
        from engines.form import operators

        if op != "within":
            return super().compile_filter(spec, target, op, value)
        found = division_named(value) if isinstance(value, str) else None
        if found is None:
            raise operators.FilterError("bad_value", f"Field '{spec.key}': 'within' takes a division code or name.")
        return target.column["code"].as_string().startswith(found.code, autoescape=True)

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        props = {k: {"type": "string", "maxLength": 200 if k == "detail" else 40} for k in sorted(ADDRESS_KEYS)}
        return {"type": ["object", "null"], "properties": props, "additionalProperties": False}

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        parts = [value[level] for level in LEVELS if value.get(level)]
        return "/".join(parts + ([value["detail"]] if value.get("detail") else []))

    def expr_value(self, spec: FieldSpec, value: Any) -> Any:
        parts = [value.get(k) or "" for k in (*LEVELS, "detail")] if value else []
        return "".join(p for p in parts if p not in TRANSPARENT) or None


_ZH = {"province": "省份", "city": "城市", "district": "区县", "street": "街道"}
