"""The audit log: one row per sensitive action, none for refused ones, and nobody can change it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.db import Database


async def _actions(client) -> list[str]:
    items = (await client.get("/api/admin/audit", params={"limit": 500})).json()["items"]
    return [i["action"] for i in reversed(items)]


async def test_every_write_leaves_exactly_one_row(client, make_user):
    before = await _actions(client)
    dept = (await client.post("/api/admin/departments", json={"name": "Ops"})).json()
    await client.patch(f"/api/admin/departments/{dept['id']}", json={"name": "Operations"})
    user = await make_user("lena")
    await client.patch(f"/api/admin/users/{user['id']}", json={"department_ids": [dept["id"]]})
    role = (await client.post("/api/admin/roles", json={"key": "ops", "name": "Ops"})).json()
    await client.delete(f"/api/admin/roles/{role['id']}")
    added = (await _actions(client))[len(before):]
    assert added == ["department.create", "department.update", "user.create", "user.update", "role.create", "role.delete"]


async def test_entries_carry_who_what_where_and_before_after(client):
    dept = (await client.post("/api/admin/departments", json={"name": "Legal"}, headers={"User-Agent": "pytest-ua"})).json()
    await client.patch(f"/api/admin/departments/{dept['id']}", json={"name": "Legal & Compliance"})
    entry = (await client.get("/api/admin/audit", params={"action": "department.update"})).json()["items"][0]
    assert entry["actor_name"] == "admin" and entry["ip"] == "127.0.0.1"
    assert entry["target_type"] == "department" and entry["target_id"] == str(dept["id"])
    assert entry["before"] == {"name": "Legal"} and entry["after"] == {"name": "Legal & Compliance"}
    assert entry["request_id"]


async def test_refused_writes_leave_no_row_and_no_data(client):
    before = await _actions(client)
    response = await client.post(
        "/api/admin/users", json={"username": "mia", "display_name": "Mia", "password": "long-enough-1", "department_ids": [777]}
    )
    assert response.status_code == 422
    assert await _actions(client) == before
    assert (await client.get("/api/admin/users", params={"q": "mia"})).json()["total"] == 0


async def test_passwords_never_reach_the_log(client, make_user):
    user = await make_user("nina", "nina-Secret-Pa55")
    await client.patch(f"/api/admin/users/{user['id']}", json={"password": "nina-Other-Pa55"})
    dump = (await client.get("/api/admin/audit", params={"limit": 500})).text
    assert "nina-Secret-Pa55" not in dump and "nina-Other-Pa55" not in dump and "argon2" not in dump


async def test_filters_and_cursor_pagination(client):
    for i in range(5):
        await client.post("/api/admin/roles", json={"key": f"r{i}", "name": f"R{i}"})
    page1 = (await client.get("/api/admin/audit", params={"action": "role.", "limit": 3})).json()
    assert [i["action"] for i in page1["items"]] == ["role.create"] * 3
    page2 = (
        await client.get("/api/admin/audit", params={"action": "role.", "limit": 3, "before_id": page1["next_before_id"]})
    ).json()
    assert len(page2["items"]) == 2 and page2["next_before_id"] is None
    assert {i["id"] for i in page1["items"]}.isdisjoint(i["id"] for i in page2["items"])


async def test_no_route_changes_the_log(client):
    entry = (await client.get("/api/admin/audit")).json()["items"][0]
    for method in ("PUT", "PATCH", "DELETE"):
        assert (await client.request(method, "/api/admin/audit")).status_code == 405
        assert (await client.request(method, f"/api/admin/audit/{entry['id']}")).status_code in (404, 405)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_the_database_refuses_to_change_the_log(app, statement):
    db: Database = app.state.db
    with pytest.raises(Exception, match="append-only"):
        async with db.transaction() as conn:
            await conn.execute(text(statement))
    async with db.transaction(write=False) as conn:
        assert (await conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'x'"))).scalar() == 0
