"""/api/field-types: the catalogue of field types with their settings schemas and names."""

from __future__ import annotations

from fastapi import APIRouter

from engines.form.types import FIELD_TYPES
from runtime.identity.deps import CurrentUser

router = APIRouter(tags=["forms"])


@router.get("/api/field-types")
async def field_types(_: CurrentUser) -> dict:
    return {"items": [t.catalogue_entry() for t in FIELD_TYPES]}
