"""Location: a point on the map `{lat, lng, label}`, as picked on a map or by the phone's GPS."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.jsonvalue import JsonValueFilter

_CELL = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，]\s*(-?\d{1,3}(?:\.\d+)?)\s*(.*)$", re.DOTALL)
_KEYS = frozenset({"lat", "lng", "label"})


class LocationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    coordinate_system: Literal["wgs84", "gcj02", "bd09"] = Field(
        "gcj02", description="the datum of stored points: GPS (wgs84), China's map datum (gcj02) or Baidu's (bd09)"
    )
    gps_only: bool = Field(False, description="only the device's current position, no picking on the map (外勤打卡)")


def _coordinate(value: Any, low: float, high: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise bad("not_location", f"'{name}' must be a number.", f"“{name}”应为数字。")
    try:
        number = float(value)
    except ValueError:
        raise bad("not_location", f"'{name}' must be a number.", f"“{name}”应为数字。") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise bad("out_of_range", f"'{name}' must be between {low} and {high}.", f"“{name}”应在 {low} 到 {high} 之间。")
    return round(number, 7)  # about a centimetre; more digits are noise


def _plain(number: float) -> str:
    return format(number, ".7f").rstrip("0").rstrip(".")


class LocationField(JsonValueFilter, FieldType):
    type = "location"
    label = {"zh-CN": "定位", "en": "Location"}
    description = {"zh-CN": "地图上的一个点（经纬度与地点名称）", "en": "A point on the map: latitude, longitude and a place name"}
    group = "place"
    storage = StorageKind.JSON
    sortable = False
    Options = LocationOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == {} or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            match = _CELL.match(value)
            if match is None:
                raise bad("not_location", "Expected 'latitude,longitude place name'.", "应为“纬度,经度 地点名称”。")
            value = {"lat": match[1], "lng": match[2], "label": match[3].strip() or None}
        if not isinstance(value, dict) or not {"lat", "lng"} <= set(value) or not set(value) <= _KEYS:
            raise bad("not_location", "Expected {lat, lng, label}.", "应为 {lat, lng, label}。")
        point: dict[str, Any] = {
            "lat": _coordinate(value["lat"], -90, 90, "lat"),
            "lng": _coordinate(value["lng"], -180, 180, "lng"),
        }
        label = value.get("label")
        if label is not None:
            if not isinstance(label, str) or len(label) > 200 or any(ord(c) < 0x20 for c in label):
                raise bad("bad_label", "The place name is at most 200 characters of text.", "地点名称最多 200 个字符。")
            if label.strip():
                point["label"] = label.strip()
        return point

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {
            "type": ["object", "null"],
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lng": {"type": "number", "minimum": -180, "maximum": 180},
                "label": {"type": ["string", "null"], "maxLength": 200},
            },
            "required": ["lat", "lng"],
            "additionalProperties": False,
        }

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        point = f"{_plain(value['lat'])},{_plain(value['lng'])}"
        return f"{point} {value['label']}" if value.get("label") else point

    def expr_value(self, spec: FieldSpec, value: Any) -> Any:
        return None if not value else value.get("label") or f"{value['lat']},{value['lng']}"
