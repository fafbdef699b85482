"""Small factories for form definitions and the calls that publish them."""

from __future__ import annotations

from typing import Any


def field(key: str, type_: str = "text", label: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": {"en": label or key.title(), "zh-CN": label or key}, **extra}


def choices(*values: str) -> dict[str, Any]:
    return {"choices": [{"value": v} for v in values]}


def make_form(key: str, fields: list[dict[str, Any]], **settings: Any) -> dict[str, Any]:
    form: dict[str, Any] = {"key": key, "label": {"en": key.title()}, "fields": fields}
    if settings:
        form["settings"] = settings
    return form


async def publish_form(client, app: str, definition: dict[str, Any], create_app: bool = True, **publish: Any) -> dict:
    if create_app:
        response = await client.post("/api/apps", json={"key": app, "name": app.title()})
        assert response.status_code in (201, 409), response.text
    existing = await client.get(f"/api/apps/{app}/forms/{definition['key']}")
    if existing.status_code == 404:
        created = await client.post(f"/api/apps/{app}/forms", json={"definition": definition})
        assert created.status_code == 201, created.text
    else:
        saved = await client.put(f"/api/apps/{app}/forms/{definition['key']}/draft", json={"definition": definition})
        assert saved.status_code == 200, saved.text
    response = await client.post(f"/api/apps/{app}/forms/{definition['key']}/publish", json=publish or {})
    assert response.status_code == 200, response.text
    return response.json()
