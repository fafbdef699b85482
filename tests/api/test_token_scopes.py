"""API tokens narrowed to reading, or to chosen apps: stored, listed, and enforced on every write."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.factories.forms import field, make_form, publish_form

DEALS = make_form("deals", [field("title")], title_field="title")
RECORDS = "/api/apps/{app}/forms/deals/records"


@pytest.fixture
async def two_apps(client):
    for app in ("crm", "hr"):
        await publish_form(client, app, DEALS)
        created = await client.post(RECORDS.format(app=app), json={"title": f"{app} deal"})
        assert created.status_code == 201, created.text
    return client


async def _token(client, **narrowing) -> tuple[int, str]:
    created = await client.post("/api/auth/tokens", json={"name": "integration", **narrowing})
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["token"]


def _bearer(app, token: str):
    api = make_client(app)
    api.headers["Authorization"] = f"Bearer {token}"
    return api


async def test_narrowing_is_stored_and_listed(two_apps):
    created = await two_apps.post("/api/auth/tokens", json={"name": "reporting", "read_only": True, "apps": ["hr", "crm", "hr"]})
    assert created.status_code == 201, created.text
    assert created.json()["read_only"] is True and created.json()["apps"] == ["hr", "crm"]
    await _token(two_apps)
    listed = {t["name"]: t for t in (await two_apps.get("/api/auth/tokens")).json()["items"]}
    assert (listed["reporting"]["read_only"], listed["reporting"]["apps"]) == (True, ["hr", "crm"])
    assert (listed["integration"]["read_only"], listed["integration"]["apps"]) == (False, None)


async def test_unknown_or_deleted_apps_are_refused_by_path(two_apps):
    assert (await two_apps.delete("/api/apps/hr")).status_code == 204
    refused = await two_apps.post("/api/auth/tokens", json={"name": "x", "apps": ["crm", "hr", "nope"]})
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["apps.1", "apps.2"]
    empty = await two_apps.post("/api/auth/tokens", json={"name": "x", "apps": []})
    assert empty.status_code == 422 and empty.json()["errors"][0]["path"] == "apps"
    assert (await two_apps.get("/api/auth/tokens")).json()["items"] == []


async def test_read_only_token_reads_but_every_write_is_refused(app, two_apps):
    token_id, token = await _token(two_apps, read_only=True)
    url = RECORDS.format(app="crm")
    async with _bearer(app, token) as api:
        assert (await api.get(url)).json()["items"][0]["title"] == "crm deal"
        queried = await api.post(url + "/query", json={"filter": {"field": "title", "op": "contains", "value": "deal"}})
        assert queried.status_code == 200 and len(queried.json()["items"]) == 1
        exported = await api.post(url + "/export", json={"format": "csv"})
        assert exported.status_code == 200, exported.text
        record_id = queried.json()["items"][0]["id"]
        writes = [
            api.post(url, json={"title": "new"}),
            api.patch(f"{url}/{record_id}", json={"version": 1, "title": "changed"}),
            api.delete(f"{url}/{record_id}"),
            api.post(url + "/bulk-delete", json={"ids": [record_id]}),
            api.patch("/api/auth/me", json={"display_name": "Mallory"}),
            api.post("/api/auth/password", json={"current_password": "x", "new_password": "y" * 12}),
            api.delete(f"/api/auth/tokens/{token_id}"),
            api.post("/api/admin/roles", json={"key": "sneaky", "name": "Sneaky"}),
        ]
        for write in writes:
            response = await write
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "token_read_only" and response.json()["detail_zh"]
    after = (await two_apps.get(url)).json()["items"]
    assert [r["title"] for r in after] == ["crm deal"]
    assert (await two_apps.get("/api/auth/me")).json()["display_name"] == "Administrator"
    assert (await two_apps.get("/api/auth/tokens")).json()["items"][0]["revoked_at"] is None


async def test_app_token_works_in_its_apps_only_and_cannot_touch_the_account(app, two_apps):
    token_id, token = await _token(two_apps, apps=["crm"])
    async with _bearer(app, token) as api:
        assert (await api.post(RECORDS.format(app="crm"), json={"title": "via token"})).status_code == 201
        assert (await api.get(RECORDS.format(app="hr"))).status_code == 404
        assert (await api.post(RECORDS.format(app="hr"), json={"title": "x"})).status_code == 404
        for response in (
            await api.delete(f"/api/auth/tokens/{token_id}"),
            await api.post("/api/auth/password", json={"current_password": "x", "new_password": "y" * 12}),
            await api.post("/api/auth/tokens", json={"name": "more"}),
        ):
            assert response.status_code == 403 and response.json()["code"] == "token_narrowed"
    assert len((await two_apps.get(RECORDS.format(app="hr"))).json()["items"]) == 1
    assert (await two_apps.get("/api/auth/tokens")).json()["items"][0]["revoked_at"] is None


async def test_a_plain_token_keeps_its_full_rights(app, two_apps):
    _, token = await _token(two_apps)
    async with _bearer(app, token) as api:
        assert (await api.post(RECORDS.format(app="hr"), json={"title": "anywhere"})).status_code == 201


async def test_read_only_token_may_run_a_report_but_not_save_one(app, two_apps):
    _, token = await _token(two_apps, read_only=True)
    api = _bearer(app, token)
    definition = {"dataset": {"form": "deals"}, "dimensions": [{"field": "title"}],
                  "measures": [{"key": "n", "agg": "count"}], "chart": {"type": "table"}}
    ran = await api.post("/api/apps/crm/reports/run", json={"definition": definition})
    assert ran.status_code == 200, ran.text
    assert [row["n"] for row in ran.json()["rows"]] == [1]
    saved = await api.post("/api/apps/crm/reports", json={"name": "Mine", "definition": definition})
    assert saved.status_code == 403 and saved.json()["code"] == "token_read_only"
    await api.aclose()
