"""What the gate grants the caller on one form, for the pages to mirror (the server enforces it)."""

from __future__ import annotations

from fastapi import APIRouter

from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.permissions.model import ACTIONS
from runtime.records.service import open_form

router = APIRouter(tags=["permissions"])


@router.get("/api/apps/{app_key}/forms/{form_key}/permissions/me")
async def my_permissions(app_key: str, form_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    """Actions, and per field "hidden" | "read_only" | "editable"; hidden fields are left out."""
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    scope = t.scope
    fields = {}
    for key, spec in t.form.specs.items():
        rule = scope.field_rules.get(key, "editable")
        if rule == "hidden":
            continue
        if spec.type.computed or spec.definition.read_only:
            rule = "read_only"
        fields[key] = rule
    return {"actions": [a for a in ACTIONS if a in scope.actions], "is_app_admin": scope.is_app_admin, "fields": fields,
            "all_rows": {a: scope.rows(a) is None for a in sorted(scope.actions)}}
