"""The admin directory: the department tree, users and roles."""

from __future__ import annotations


async def _dept(client, name, **extra):
    response = await client.post("/api/admin/departments", json={"name": name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def test_department_tree_with_heads_moves_and_guards(client, make_user):
    head = await make_user("hannah")
    sales = await _dept(client, "销售部", head_user_id=head["id"])
    east = await _dept(client, "华东区", parent_id=sales["id"])
    north = await _dept(client, "华北区", parent_id=sales["id"])
    assert sales["head"] == {"id": head["id"], "display_name": "Hannah"}

    moved = await client.patch(f"/api/admin/departments/{north['id']}", json={"parent_id": east["id"]})
    assert moved.status_code == 200 and moved.json()["parent_id"] == east["id"]
    cycle = await client.patch(f"/api/admin/departments/{sales['id']}", json={"parent_id": north["id"]})
    assert cycle.status_code == 422 and cycle.json()["errors"][0]["path"] == "parent_id"
    self_parent = await client.patch(f"/api/admin/departments/{sales['id']}", json={"parent_id": sales["id"]})
    assert self_parent.status_code == 422

    assert (await client.delete(f"/api/admin/departments/{sales['id']}")).status_code == 409
    to_root = await client.patch(f"/api/admin/departments/{north['id']}", json={"parent_id": None})
    assert to_root.json()["parent_id"] is None
    assert (await client.delete(f"/api/admin/departments/{north['id']}")).status_code == 204
    items = (await client.get("/api/admin/departments")).json()["items"]
    assert {d["name"] for d in items} == {"销售部", "华东区"}


async def test_department_with_members_cannot_be_deleted(client, make_user):
    dept = await _dept(client, "Finance")
    await make_user("fiona", department_ids=[dept["id"]])
    listed = (await client.get("/api/admin/departments")).json()["items"]
    assert listed[0]["member_count"] == 1
    refused = await client.delete(f"/api/admin/departments/{dept['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "department_in_use"


async def test_missing_parent_or_head_is_named(client):
    response = await client.post("/api/admin/departments", json={"name": "X", "parent_id": 999})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "parent_id"
    response = await client.post("/api/admin/departments", json={"name": "X", "head_user_id": 999})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "head_user_id"
    assert (await client.patch("/api/admin/departments/999", json={"name": "Y"})).status_code == 404


async def test_user_lifecycle_with_roles_and_departments(client, make_user):
    dept = await _dept(client, "Sales")
    role = (await client.post("/api/admin/roles", json={"key": "sales_rep", "name": "Sales rep"})).json()
    user = await make_user("erin", email="erin@example.com", role_ids=[role["id"]], department_ids=[dept["id"]])
    assert [r["key"] for r in user["roles"]] == ["sales_rep"]
    assert [d["name"] for d in user["departments"]] == ["Sales"]

    patched = await client.patch(f"/api/admin/users/{user['id']}", json={"display_name": "Erin L.", "role_ids": []})
    assert patched.status_code == 200
    assert patched.json()["display_name"] == "Erin L." and patched.json()["roles"] == []
    listed = (await client.get("/api/admin/users", params={"department_id": dept["id"]})).json()
    assert listed["total"] == 1 and listed["items"][0]["username"] == "erin"
    assert (await client.get("/api/admin/users/9999")).status_code == 404


async def test_user_search_treats_wildcards_literally(client, make_user):
    await make_user("frank")
    await make_user("gina", display_name="Gina 100%")
    everyone = (await client.get("/api/admin/users", params={"q": "%"})).json()
    assert [u["username"] for u in everyone["items"]] == ["gina"]
    assert (await client.get("/api/admin/users", params={"q": "FRA"})).json()["total"] == 1


async def test_bad_user_input_is_refused_with_field_paths_and_nothing_written(client, make_user):
    await make_user("henry")
    taken = await client.post("/api/admin/users", json={"username": "Henry", "display_name": "H", "password": "long-enough-1"})
    assert taken.status_code == 409 and taken.json()["errors"][0]["path"] == "username"
    weak = await client.post("/api/admin/users", json={"username": "ivy", "display_name": "Ivy", "password": "short"})
    assert weak.status_code == 422 and weak.json()["errors"][0]["path"] == "password"
    ghost_role = await client.post(
        "/api/admin/users",
        json={"username": "jack", "display_name": "Jack", "password": "long-enough-1", "role_ids": [1, 4242]},
    )
    assert ghost_role.status_code == 422 and ghost_role.json()["errors"][0]["path"] == "role_ids.1"
    bad_name = await client.post("/api/admin/users", json={"username": "a b", "display_name": "x", "password": "long-enough-1"})
    assert bad_name.status_code == 422 and bad_name.json()["errors"][0]["path"] == "username"
    names = [u["username"] for u in (await client.get("/api/admin/users")).json()["items"]]
    assert names == ["admin", "henry"]


async def test_the_last_administrator_cannot_be_disabled_or_demoted(client):
    me = (await client.get("/api/auth/me")).json()
    assert (await client.delete(f"/api/admin/users/{me['id']}")).status_code == 409
    demote = await client.patch(f"/api/admin/users/{me['id']}", json={"role_ids": []})
    assert demote.status_code == 409 and demote.json()["code"] == "last_admin"


async def test_admin_password_reset_ends_the_users_sessions(client, make_user, login, anon):
    user = await make_user("kim", "kim-Pa55word")
    kim = await login("kim", "kim-Pa55word")
    await client.patch(f"/api/admin/users/{user['id']}", json={"password": "kim-New-Pa55"})
    assert (await kim.get("/api/auth/me")).status_code == 401
    assert (await anon.post("/api/auth/login", json={"username": "kim", "password": "kim-New-Pa55"})).status_code == 200


async def test_roles_builtin_and_custom(client):
    roles = (await client.get("/api/admin/roles")).json()["items"]
    assert [r["key"] for r in roles if r["builtin"]] == ["admin", "builder", "member"]
    admin_role = next(r for r in roles if r["key"] == "admin")
    assert admin_role["user_count"] == 1
    assert (await client.delete(f"/api/admin/roles/{admin_role['id']}")).status_code == 409
    created = await client.post("/api/admin/roles", json={"key": "finance", "name": "财务", "description": "Money"})
    assert created.status_code == 201
    dup = await client.post("/api/admin/roles", json={"key": "finance", "name": "Again"})
    assert dup.status_code == 409
    bad = await client.post("/api/admin/roles", json={"key": "Bad Key!", "name": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "key"
    renamed = await client.patch(f"/api/admin/roles/{created.json()['id']}", json={"name": "Finance"})
    assert renamed.json()["name"] == "Finance"
    assert (await client.delete(f"/api/admin/roles/{created.json()['id']}")).status_code == 204


# -- The directory every internal user may browse (member and department pickers) ------------------


async def test_members_browse_users_and_departments_without_account_data(client, make_user, login):
    sales = await _dept(client, "Sales", sort=2)
    east = await _dept(client, "East", parent_id=sales["id"], sort=1)
    await make_user("wang", display_name="Wang Fang", email="wang@example.com", department_ids=[east["id"], sales["id"]])
    gone = await make_user("gone")
    await client.delete(f"/api/admin/users/{gone['id']}")
    await make_user("mia", "mia-Pa55word")
    mia = await login("mia", "mia-Pa55word")

    users = (await mia.get("/api/directory/users")).json()["items"]
    assert {u["username"] for u in users} == {"admin", "wang", "mia"}
    wang = next(u for u in users if u["username"] == "wang")
    assert wang == {"id": wang["id"], "username": "wang", "display_name": "Wang Fang",
                    "departments": [{"id": east["id"], "name": "East"}, {"id": sales["id"], "name": "Sales"}]}
    assert all(set(u) == {"id", "username", "display_name", "departments"} for u in users)
    raw = (await mia.get("/api/directory/users")).text
    assert "password" not in raw and "wang@example.com" not in raw

    departments = (await mia.get("/api/directory/departments")).json()["items"]
    assert departments == [{"id": east["id"], "name": "East", "parent_id": sales["id"], "sort": 1},
                           {"id": sales["id"], "name": "Sales", "parent_id": None, "sort": 2}]


async def test_directory_search_is_case_insensitive_and_limited(client, make_user, login):
    await make_user("zhang.wei", display_name="Zhang Wei")
    await make_user("li.na", display_name="Li Na (WEIBO team)")
    await make_user("wu", display_name="Wu")
    found = (await client.get("/api/directory/users", params={"search": "wei"})).json()["items"]
    assert {u["username"] for u in found} == {"zhang.wei", "li.na"}
    by_name = (await client.get("/api/directory/users", params={"search": "ZHANG"})).json()["items"]
    assert [u["username"] for u in by_name] == ["zhang.wei"]
    assert (await client.get("/api/directory/users", params={"search": "%"})).json()["items"] == []
    assert len((await client.get("/api/directory/users", params={"limit": 2})).json()["items"]) == 2
    assert (await client.get("/api/directory/users", params={"limit": 101})).status_code == 422


async def test_external_accounts_cannot_browse_the_directory(client, make_user, login, anon):
    await make_user("partner", "partner-Pa55word", is_external=True)
    partner = await login("partner", "partner-Pa55word")
    for path in ("/api/directory/users", "/api/directory/departments"):
        refused = await partner.get(path)
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "external_user" and refused.json()["detail_zh"]
        assert "partner" not in refused.text
        assert (await anon.get(path)).status_code == 401


async def test_the_directory_names_the_people_behind_stored_ids_even_those_who_left(client, make_user):
    kept = await make_user("kept", display_name="Kept Here")
    gone = await make_user("gone", display_name="Long Gone")
    assert (await client.patch(f"/api/admin/users/{gone['id']}", json={"is_active": False})).status_code == 200
    found = (await client.get("/api/directory/users", params={"ids": f"{kept['id']},{gone['id']},999999"})).json()["items"]
    assert {u["display_name"] for u in found} == {"Kept Here", "Long Gone"}
    assert "gone" not in {u["username"] for u in (await client.get("/api/directory/users")).json()["items"]}
    assert (await client.get("/api/directory/users", params={"ids": "1,x"})).status_code == 422
