"""The JSON Schemas of the definition kinds, generated from the engines' Pydantic models into
`schemas/` and checked in, so the frontend and the templates validate with the same files the
backend's models stand for. Run `python -m builder.schemas` after changing a definition model or
a field or node type's settings; a unit test fails while a checked-in file is out of date.

A field's `options` and a node's `config` are checked by its type's own `Options` model (an
`if type = … then` clause per registered type); a type the file does not know — a plugin's —
is left to the backend, which reports it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engines.flow.definition import FlowDef
from engines.flow.nodes import NODE_TYPES
from engines.form.definition import FormDef
from engines.form.types import FIELD_TYPES
from engines.report.definition import DashboardDef, ReportDef

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://qiqiao.dev/schemas/"


def _schema(name: str, model: type[BaseModel], typed: tuple[str, str, str, dict[str, type[BaseModel]]] | None = None
            ) -> dict[str, Any]:
    """`model`'s schema; with `typed = (definition, key field, settings field, type → Options)`, the
    settings of each item of that definition are checked by the Options model of its type."""
    options = typed[3] if typed else {}
    extra = list(dict.fromkeys(options.values()))
    refs, top = models_json_schema([(model, "validation"), *((m, "validation") for m in extra)])
    defs = top.get("$defs", {})
    root = defs.pop(refs[(model, "validation")]["$ref"].rsplit("/", 1)[-1])
    if typed:
        item, key_field, settings_field, _ = typed
        defs[item]["allOf"] = [
            {"if": {"properties": {key_field: {"const": type_key}}, "required": [key_field]},
             "then": {"properties": {settings_field: refs[(options[type_key], "validation")]}}}
            for type_key in sorted(options)
        ]
    return {"$schema": DIALECT, "$id": ID_BASE + name, **root, **({"$defs": defs} if defs else {})}


def definition_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, for every definition kind."""
    return {
        "form.schema.json": _schema("form.schema.json", FormDef,
                                    ("FieldDef", "type", "options", {t.type: t.Options for t in FIELD_TYPES})),
        "flow.schema.json": _schema("flow.schema.json", FlowDef,
                                    ("NodeDef", "type", "config", {t.type: t.Options for t in NODE_TYPES})),
        "report.schema.json": _schema("report.schema.json", ReportDef),
        "dashboard.schema.json": _schema("dashboard.schema.json", DashboardDef),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema file that differs; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in definition_schemas().items():
        path = directory / name
        text = render(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main() -> int:
    for path in write():
        print(f"wrote {path.relative_to(SCHEMA_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
