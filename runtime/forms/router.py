"""/api/field-types: the catalogue of field types with their settings schemas and names;
/api/regions: China's administrative divisions for address pickers (public data, cacheable)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response

from core.errors import NotFound
from engines.form.types import FIELD_TYPES
from runtime.forms.regions import region_children, region_tree
from runtime.identity.deps import CurrentUser

router = APIRouter(tags=["forms"])

# The divisions change once a year with a new dataset, i.e. with a new release of the platform.
REGIONS_CACHE = "public, max-age=86400"


@router.get("/api/field-types")
async def field_types(_: CurrentUser) -> dict:
    return {"items": [t.catalogue_entry() for t in FIELD_TYPES]}


@router.get("/api/regions")
async def regions(request: Request) -> Response:
    """Provinces → cities → districts, `{items: [{code, name, children}]}`. No sign-in needed:
    public forms ask for addresses too, and the list is published government data."""
    plain, packed = region_tree()
    headers = {"Cache-Control": REGIONS_CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(packed, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(plain, media_type="application/json", headers=headers)


@router.get("/api/regions/{code}")
async def region(response: Response, code: str = Path(pattern=r"^\d{2,9}$")) -> dict:
    """The divisions directly under one (a district's streets)."""
    children = region_children(code)
    if children is None:
        raise NotFound("division")
    response.headers["Cache-Control"] = REGIONS_CACHE
    return {"items": children}
