"""Each app's own OpenAPI document: the records endpoints of every published form the reader may
see, with request and record schemas built from the form definitions (field keys, types, choices
as enums, required fields) — so it changes whenever a form is republished — and a plain HTML page
that shows the same for people (no script, nothing fetched from elsewhere).

The schemas are each field type's own `input_schema`; a field the reader may not read is left out,
as are fields they may not write from the request schemas.
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import Forbidden, NotFound
from engines.form.compiled import CompiledForm
from engines.form.types import StorageKind
from runtime.context import Actor
from runtime.forms.loader import app_forms
from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.permissions import authorize, open_app

SYSTEM = {
    "id": {"type": "integer", "readOnly": True}, "version": {"type": "integer", "readOnly": True},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "created_by": {"type": ["integer", "null"], "readOnly": True}, "updated_by": {"type": ["integer", "null"], "readOnly": True},
    "owner_id": {"type": ["integer", "null"], "readOnly": True}, "owner_dept_id": {"type": ["integer", "null"], "readOnly": True},
    "flow_status": {"type": ["string", "null"], "readOnly": True},
}
SCALAR = (StorageKind.TEXT, StorageKind.DECIMAL, StorageKind.INTEGER, StorageKind.BOOLEAN, StorageKind.DATE,
          StorageKind.DATETIME, StorageKind.TIME)
PROBLEM = {"description": "A problem (RFC 9457) with `errors[].path` naming the offending input",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _label(text: Any, locale: str) -> str:
    if text is None:
        return ""
    data = text.model_dump(by_alias=True) if hasattr(text, "model_dump") else dict(text)
    return data.get(locale) or data.get("zh-CN") or data.get("en") or ""


def _schema_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def form_schemas(form: CompiledForm, readable: frozenset[str] | None, writable: frozenset[str] | None,
                 locale: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(request schema, record schema) of a form for one reader."""
    inputs: dict[str, Any] = {}
    outputs: dict[str, Any] = dict(SYSTEM)
    required = []
    for key, spec in form.specs.items():
        if spec.storage in (StorageKind.NONE, StorageKind.SYSTEM) or (readable is not None and key not in readable):
            continue
        described = {"title": _label(spec.definition.label, locale), "x-qiqiao-type": spec.type.type}
        schema = {**spec.type.input_schema(spec), **described}
        outputs[key] = {**(schema if spec.storage in SCALAR else described), **({"readOnly": True} if spec.type.computed else {})}
        if spec.type.computed or spec.definition.read_only or (writable is not None and key not in writable):
            continue
        inputs[key] = schema
        if spec.definition.required and spec.definition.default is None and "visible_when" not in spec.extra:
            required.append(key)
    request = {"type": "object", "properties": inputs, "additionalProperties": False}
    if required:
        request["required"] = required
    return request, {"type": "object", "properties": outputs}


async def document(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str) -> dict[str, Any]:
    app = await open_app(conn, actor.principal, app_key)
    assert actor.principal is not None
    locale = actor.principal.locale
    forms = await app_forms(conn, app)

    async def linked() -> dict[str, CompiledForm]:
        return forms

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Problem": {"type": "object", "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "detail_zh": {"type": "string"}, "code": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "path": {"type": "string"}, "message": {"type": "string"}, "message_zh": {"type": "string"},
                "code": {"type": "string"}}}}}},
    }
    tags = []
    for key, form in sorted(forms.items()):
        try:
            scope = await authorize(conn, actor.principal, "view", app, key, form=form, now=clock.now(), linked=linked)
        except (NotFound, Forbidden):
            continue
        name = _schema_name(key)
        request, record = form_schemas(form, scope.readable, scope.writable, locale)
        schemas[f"{name}Input"], schemas[f"{name}Record"] = request, record
        schemas[f"{name}Page"] = {"type": "object", "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}Record"}},
            "next_cursor": {"type": ["string", "null"]}, "total": {"type": ["integer", "null"]}}}
        patch = {**request, "properties": {**request["properties"], "version": {"type": "integer", "description":
                                                                                  "the version you edited (409 if stale)"}}}
        patch.pop("required", None)
        schemas[f"{name}Patch"] = patch
        tags.append({"name": key, "description": _label(form.definition.label, locale)})
        base = f"/api/apps/{app_key}/forms/{key}/records"
        record_ref = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}Record"}}}
        errors = {"401": {"description": "Not signed in"}, "403": PROBLEM, "404": PROBLEM, "422": PROBLEM,
                  "429": {"description": "Too many requests for this API token (see Retry-After)"}}
        paths[base] = {
            "get": {"tags": [key], "operationId": f"list_{key}", "summary": f"List {key}",
                    "parameters": [_query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                                   _query("cursor", {"type": "string"}), _query("sort", {"type": "string"}),
                                   _query("search", {"type": "string", "maxLength": 200}),
                                   _query("filter", {"type": "string"}, "a JSON filter: {field, op, value} or {and|or: […]}"),
                                   _query("count", {"type": "boolean"})],
                    "responses": {"200": {"description": "A page of records", "content": {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{name}Page"}}}}, **errors}},
            "post": {"tags": [key], "operationId": f"create_{key}", "summary": f"Create a {key} record",
                     "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                     "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
                                     "description": "a retry with the same key creates nothing new"}],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": {"$ref": f"#/components/schemas/{name}Input"}}}},
                     "responses": {"201": {"description": "Created", "content": record_ref}, "409": PROBLEM, **errors}},
        }
        one = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
        paths[f"{base}/{{record_id}}"] = {
            "parameters": [one],
            "get": {"tags": [key], "operationId": f"get_{key}", "summary": f"Read a {key} record",
                    "responses": {"200": {"description": "The record", "content": record_ref}, **errors}},
            "patch": {"tags": [key], "operationId": f"update_{key}", "summary": f"Change a {key} record",
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": {"$ref": f"#/components/schemas/{name}Patch"}}}},
                      "responses": {"200": {"description": "The changed record", "content": record_ref},
                                    "409": PROBLEM, **errors}},
            "delete": {"tags": [key], "operationId": f"delete_{key}", "summary": f"Move a {key} record to the trash",
                       "responses": {"204": {"description": "Deleted"}, **errors}},
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{app['name']} API", "version": str(max((f.version for f in forms.values()), default=0)),
                 "description": "Records of this app's published forms, as the API token's user may see them. "
                                "Authenticate with `Authorization: Bearer <API token>`."},
        "servers": [{"url": "/"}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
    }


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def page(doc: dict[str, Any]) -> str:
    """The document as a plain page for people: each form's endpoints and fields."""
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(doc['info']['title'])}</title>",
             "<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}"
             "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;"
             "text-align:left;vertical-align:top}code{background:#f5f5f5;padding:0 .2rem}</style></head><body>",
             f"<h1>{e(doc['info']['title'])}</h1><p>{e(doc['info']['description'])}</p>",
             "<p>OpenAPI: <a href='openapi.json'>openapi.json</a></p>"]
    schemas = doc["components"]["schemas"]
    for tag in doc["tags"]:
        key = tag["name"]
        name = _schema_name(key)
        parts.append(f"<h2 id='{e(key)}'>{e(tag['description'] or key)} <code>{e(key)}</code></h2><table>"
                     "<tr><th>Method</th><th>Path</th><th>What</th></tr>")
        for path, item in doc["paths"].items():
            if f"/forms/{key}/records" not in path:
                continue
            for method, op in item.items():
                if method != "parameters":
                    parts.append(f"<tr><td>{method.upper()}</td><td><code>{e(path)}</code></td><td>{e(op['summary'])}</td></tr>")
        parts.append("</table><table><tr><th>Field</th><th>Title</th><th>Type</th><th>Required</th><th>Values</th></tr>")
        request = schemas[f"{name}Input"]
        for field, schema in schemas[f"{name}Record"]["properties"].items():
            values = ", ".join(str(v) for v in schema.get("enum", []) if v is not None)
            kind = schema.get("x-qiqiao-type") or (schema.get("type") if isinstance(schema.get("type"), str) else "system")
            parts.append(f"<tr><td><code>{e(field)}</code></td><td>{e(schema.get('title', ''))}</td><td>{e(str(kind))}</td>"
                         f"<td>{'yes' if field in request.get('required', []) else ''}</td><td>{e(values)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


router = APIRouter(tags=["records"])


@router.get("/api/apps/{app_key}/openapi.json")
async def openapi_of_app(app_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await document(conn, clock, actor, app_key)


@router.get("/api/apps/{app_key}/docs", response_class=HTMLResponse)
async def docs_of_app(app_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> HTMLResponse:
    return HTMLResponse(page(await document(conn, clock, actor, app_key)))
