"""GET /api/regions: the divisions an address picker offers, matching what the address field
type accepts; public, cacheable, and streets on demand."""

from __future__ import annotations

import gzip
import json

from tests.factories.forms import field, make_form, publish_form


async def test_tree_reaches_districts_with_codes_the_address_field_accepts(anon):
    response = await anon.get("/api/regions")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public")
    items = response.json()["items"]
    guangdong = next(p for p in items if p["code"] == "44")
    shenzhen = next(c for c in guangdong["children"] if c["code"] == "4403")
    nanshan = next(d for d in shenzhen["children"] if d["code"] == "440305")
    assert (guangdong["name"], shenzhen["name"], nanshan["name"]) == ("广东省", "深圳市", "南山区")
    assert "children" not in nanshan  # streets are asked for per district
    assert len(items) == 31


async def test_tree_is_sent_gzipped_to_browsers_that_take_it(anon):
    response = await anon.get("/api/regions", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"
    # httpx decodes the body; what arrived on the wire was smaller than the JSON
    assert json.loads(response.content)["items"]
    assert len(gzip.compress(response.content)) < len(response.content)


async def test_streets_of_a_district(anon):
    response = await anon.get("/api/regions/440305")
    assert response.status_code == 200
    streets = response.json()["items"]
    assert {"code": "440305007", "name": "粤海街道"} in streets


async def test_unknown_or_malformed_codes_are_404_and_422(anon):
    assert (await anon.get("/api/regions/999999")).status_code == 404
    assert (await anon.get("/api/regions/abc")).status_code == 422
    assert (await anon.get("/api/regions/1234567890")).status_code == 422


async def test_a_picked_address_is_accepted_by_an_address_field(client):
    """What the picker sends — the names along the path and the dataset code — is a valid value."""
    await publish_form(client, "geo", make_form("sites", [field("site", "address", options={"level": "district"})]))
    picked = {"province": "广东省", "city": "深圳市", "district": "南山区", "code": "440305", "detail": "科技园 1 号"}
    created = await client.post("/api/apps/geo/forms/sites/records", json={"site": picked})
    assert created.status_code == 201, created.text
    assert created.json()["site"]["code"] == "440305"
    city_level = await client.get("/api/regions/4403")
    assert {"code": "440305", "name": "南山区"} in city_level.json()["items"]
