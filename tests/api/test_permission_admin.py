"""The app's administrators edit app roles, their members, and each role's permission group per form."""

from __future__ import annotations

import pytest

from tests.factories.forms import field, make_form, publish_form

LEAVE = make_form(
    "leave",
    [
        field("title"),
        field("days", "number"),
        field("approver", "member"),
        field("team", "department"),
        field("note", "textarea"),
    ],
)
ROLES = "/api/apps/hr/roles"
PERMISSIONS = "/api/apps/hr/forms/leave/permissions"


@pytest.fixture
async def hr(client):
    await publish_form(client, "hr", LEAVE)
    return client


async def _role(client, key: str, **extra) -> dict:
    response = await client.post(ROLES, json={"key": key, "name": key.title(), **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def _audit(client, prefix: str) -> list[dict]:
    items = (await client.get("/api/admin/audit", params={"action": prefix, "limit": 500})).json()["items"]
    return list(reversed(items))


NO_MEMBERS = {"users": [], "departments": [], "roles": []}


# -- roles ----------------------------------------------------------------------------------------


async def test_roles_are_created_listed_changed_and_deleted(hr):
    created = await _role(hr, "sales", description="Front line")
    assert created == {"id": created["id"], "key": "sales", "name": "Sales", "description": "Front line",
                       "is_admin": False, "external": False, "members": NO_MEMBERS}

    changed = await hr.patch(f"{ROLES}/sales", json={"name": "Sales team", "is_admin": True})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["is_admin"], changed.json()["description"]) == ("Sales team", True, "Front line")

    await _role(hr, "partners", external=True)
    listed = (await hr.get(ROLES)).json()["items"]
    assert [(r["key"], r["name"], r["is_admin"], r["external"]) for r in listed] == [
        ("sales", "Sales team", True, False), ("partners", "Partners", False, True)]

    assert (await hr.delete(f"{ROLES}/sales")).status_code == 204
    assert [r["key"] for r in (await hr.get(ROLES)).json()["items"]] == ["partners"]
    gone = await hr.delete(f"{ROLES}/sales")
    assert gone.status_code == 404
    assert gone.json()["errors"][0]["path"] == "role_key"
    assert (await hr.patch(f"{ROLES}/sales", json={"name": "X"})).status_code == 404


async def test_a_role_key_is_unique_in_its_app_and_shaped_like_a_form_key(hr):
    await _role(hr, "sales")
    duplicate = await hr.post(ROLES, json={"key": "sales", "name": "Again"})
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert (duplicate.json()["code"], duplicate.json()["detail_zh"]) == ("role_key_taken", "应用中已有使用该标识的角色。")
    assert duplicate.json()["errors"] == [{"path": "key", "message": "Already in use in this app.",
                                           "message_zh": "该标识在此应用中已被使用。"}]
    for bad in ("Sales", "1st", "a-b", "x" * 49, ""):
        response = await hr.post(ROLES, json={"key": bad, "name": "Bad"})
        assert response.status_code == 422, bad
        assert [e["path"] for e in response.json()["errors"]] == ["key"]
    unknown = await hr.post(ROLES, json={"key": "ok", "name": "Ok", "colour": "red"})
    assert [e["path"] for e in unknown.json()["errors"]] == ["colour"]
    assert [r["key"] for r in (await hr.get(ROLES)).json()["items"]] == ["sales"]


async def test_an_admin_role_cannot_be_open_to_external_accounts(hr):
    refused = await hr.post(ROLES, json={"key": "outside", "name": "Outside", "is_admin": True, "external": True})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"path": "external",
                                         "message": "An administrator role cannot be open to external accounts.",
                                         "message_zh": "管理员角色不能对外部成员开放。"}]
    await _role(hr, "partners", external=True)
    promoted = await hr.patch(f"{ROLES}/partners", json={"is_admin": True})
    assert promoted.status_code == 422
    assert [e["path"] for e in promoted.json()["errors"]] == ["is_admin"]
    assert [(r["key"], r["is_admin"]) for r in (await hr.get(ROLES)).json()["items"]] == [("partners", False)]


# -- members --------------------------------------------------------------------------------------


async def test_members_are_replaced_as_a_whole(hr, make_user):
    ann, ben = await make_user("ann"), await make_user("ben")
    dept = (await hr.post("/api/admin/departments", json={"name": "Finance"})).json()
    platform_role = (await hr.post("/api/admin/roles", json={"key": "auditor", "name": "Auditor"})).json()
    await _role(hr, "sales")

    response = await hr.put(f"{ROLES}/sales/members", json={
        "users": [ben["id"], ann["id"], ben["id"]], "departments": [dept["id"]], "roles": [platform_role["id"]]})
    assert response.status_code == 200, response.text
    assert response.json()["members"] == {
        "users": [{"id": ben["id"], "username": "ben", "display_name": "Ben"},
                  {"id": ann["id"], "username": "ann", "display_name": "Ann"}],
        "departments": [{"id": dept["id"], "name": "Finance"}],
        "roles": [{"id": platform_role["id"], "key": "auditor", "name": "Auditor"}],
    }
    assert (await hr.get(ROLES)).json()["items"][0]["members"] == response.json()["members"]

    replaced = await hr.put(f"{ROLES}/sales/members", json={"users": [ann["id"]]})
    assert replaced.json()["members"] == {"users": [{"id": ann["id"], "username": "ann", "display_name": "Ann"}],
                                          "departments": [], "roles": []}


async def test_unknown_or_disabled_members_are_named_and_nothing_changes(hr, make_user):
    ann, gone = await make_user("ann"), await make_user("gone")
    assert (await hr.delete(f"/api/admin/users/{gone['id']}")).status_code == 204
    dept = (await hr.post("/api/admin/departments", json={"name": "Finance"})).json()
    await _role(hr, "sales")
    await hr.put(f"{ROLES}/sales/members", json={"users": [ann["id"]]})

    response = await hr.put(f"{ROLES}/sales/members", json={
        "users": [ann["id"], 987654, gone["id"]], "departments": [dept["id"], 876543], "roles": [765432]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"path": "users.1", "message": "User 987654 does not exist.", "message_zh": "用户 987654 不存在。"},
        {"path": "users.2", "message": f"User {gone['id']} is disabled.", "message_zh": f"用户 {gone['id']} 已停用。"},
        {"path": "departments.1", "message": "Department 876543 does not exist.", "message_zh": "部门 876543 不存在。"},
        {"path": "roles.0", "message": "Role 765432 does not exist.", "message_zh": "角色 765432 不存在。"},
    ]
    members = (await hr.get(ROLES)).json()["items"][0]["members"]
    assert members == {"users": [{"id": ann["id"], "username": "ann", "display_name": "Ann"}], "departments": [], "roles": []}

    wrong_type = await hr.put(f"{ROLES}/sales/members", json={"users": ["ann"]})
    assert wrong_type.status_code == 422
    assert [e["path"] for e in wrong_type.json()["errors"]] == ["users.0"]
    assert (await hr.put(f"{ROLES}/nobody/members", json={})).status_code == 404


async def test_an_external_user_joins_only_roles_open_to_external_accounts(hr, make_user):
    guest = await make_user("guest", is_external=True)
    await _role(hr, "sales")
    await _role(hr, "partners", external=True)

    refused = await hr.put(f"{ROLES}/sales/members", json={"users": [guest["id"]]})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{
        "path": "users.0",
        "message": f"User {guest['id']} is an external account; only a role open to external accounts may include them.",
        "message_zh": f"用户 {guest['id']} 是外部成员，只能加入对外部成员开放的角色。",
    }]
    assert (await hr.get(ROLES)).json()["items"][0]["members"] == NO_MEMBERS

    allowed = await hr.put(f"{ROLES}/partners/members", json={"users": [guest["id"]]})
    assert allowed.status_code == 200, allowed.text
    assert [u["username"] for u in allowed.json()["members"]["users"]] == ["guest"]

    closed = await hr.patch(f"{ROLES}/partners", json={"external": False})
    assert closed.status_code == 422
    assert [e["path"] for e in closed.json()["errors"]] == ["external"]
    assert [r["external"] for r in (await hr.get(ROLES)).json()["items"]] == [False, True]


# -- permission groups ----------------------------------------------------------------------------


async def test_a_permission_group_is_upserted_listed_and_deleted(hr, clock):
    await _role(hr, "sales", name="Sales team")
    body = {"actions": ["edit", "view", "create"], "data_scope": {"kind": "department_tree"},
            "edit_scope": {"kind": "own"}, "field_rules": {"days": "read_only", "note": "hidden"}}
    created = await hr.put(f"{PERMISSIONS}/sales", json=body)
    assert created.status_code == 200, created.text
    group = created.json()
    assert group == {"role": "sales", "role_name": "Sales team", "actions": ["view", "create", "edit"],
                     "data_scope": {"kind": "department_tree"}, "edit_scope": {"kind": "own"},
                     "field_rules": {"days": "read_only", "note": "hidden"}, "updated_at": group["updated_at"]}
    assert (await hr.get(PERMISSIONS)).json() == {"items": [group]}

    updated = await hr.put(f"{PERMISSIONS}/sales", json={
        "actions": ["view"], "data_scope": {"kind": "field", "field": "approver"}})
    assert updated.status_code == 200, updated.text
    assert {k: updated.json()[k] for k in ("actions", "data_scope", "edit_scope", "field_rules")} == {
        "actions": ["view"], "data_scope": {"kind": "field", "field": "approver"}, "edit_scope": None, "field_rules": {}}
    assert len((await hr.get(PERMISSIONS)).json()["items"]) == 1

    assert (await hr.delete(f"{PERMISSIONS}/sales")).status_code == 204
    assert (await hr.get(PERMISSIONS)).json() == {"items": []}
    again = await hr.delete(f"{PERMISSIONS}/sales")
    assert again.status_code == 404
    assert again.json()["detail_zh"] == "角色“sales”在表单“leave”上没有权限设置。"


async def test_groups_of_a_deleted_role_go_with_it(hr):
    await _role(hr, "sales")
    await _role(hr, "ops")
    for role in ("sales", "ops"):
        assert (await hr.put(f"{PERMISSIONS}/{role}", json={"actions": ["view"]})).status_code == 200
    assert (await hr.delete(f"{ROLES}/sales")).status_code == 204
    assert [g["role"] for g in (await hr.get(PERMISSIONS)).json()["items"]] == ["ops"]


async def test_unknown_form_or_role_is_404(hr):
    await _role(hr, "sales")
    assert (await hr.get("/api/apps/hr/forms/nope/permissions")).status_code == 404
    assert (await hr.put("/api/apps/hr/forms/nope/permissions/sales", json={})).status_code == 404
    missing_role = await hr.put(f"{PERMISSIONS}/nobody", json={})
    assert missing_role.status_code == 404
    assert missing_role.json()["errors"][0]["path"] == "role_key"


CHECKED_PROBLEMS = [
    pytest.param(
        {"field_rules": {"salary": "hidden"}},
        [{"path": "field_rules.salary", "message": "The form has no field 'salary'.", "message_zh": "表单中没有字段“salary”。"}],
        id="unknown-field-rule-key",
    ),
    pytest.param(
        {"data_scope": {"kind": "field", "field": "title"}},
        [{"path": "data_scope.field", "message": "'title' is not a member or department field of the form.",
          "message_zh": "“title”不是表单中的成员或部门字段。"}],
        id="field-scope-on-text",
    ),
    pytest.param(
        {"actions": ["view", "edit"], "edit_scope": {"kind": "custom", "expression": "days > "}},
        [{"path": "edit_scope.expression", "message": "The formula ends too early: expected a value.",
          "message_zh": "公式不完整，缺少 a value。", "position": {"offset": 7, "line": 1, "column": 8}}],
        id="custom-expression-syntax",
    ),
    pytest.param(
        {"data_scope": {"kind": "custom", "expression": "days + 1"}},
        [{"path": "data_scope.expression", "message": "The formula must give bool, but gives number.",
          "message_zh": "公式的结果应为 bool，实际为 number。", "position": {"offset": 0, "line": 1, "column": 1}}],
        id="custom-expression-not-a-condition",
    ),
]


@pytest.mark.parametrize(("body", "errors"), CHECKED_PROBLEMS)
async def test_a_group_that_does_not_fit_the_form_is_refused_with_paths(hr, body, errors):
    await _role(hr, "sales")
    response = await hr.put(f"{PERMISSIONS}/sales", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == errors
    assert (await hr.get(PERMISSIONS)).json() == {"items": []}


SHAPE_PROBLEMS = [
    pytest.param({"actions": ["edit"]}, "actions", "every other action needs 'view'", id="edit-without-view"),
    pytest.param({"actions": ["view", "fly"]}, "actions.1", "Input should be", id="unknown-action"),
    pytest.param({"data_scope": {"kind": "field"}}, "data_scope", "names the member or department field",
                 id="field-scope-without-field"),
    pytest.param({"data_scope": {"kind": "everyone"}}, "data_scope.kind", "Input should be", id="unknown-scope"),
    pytest.param({"field_rules": {"days": "secret"}}, "field_rules.days", "Input should be", id="unknown-rule"),
    pytest.param({"actions": ["view"], "owner": 1}, "owner", "Unknown field.", id="unknown-member"),
]


@pytest.mark.parametrize(("body", "path", "message"), SHAPE_PROBLEMS)
async def test_a_malformed_group_is_refused_with_its_path(hr, body, path, message):
    await _role(hr, "sales")
    response = await hr.put(f"{PERMISSIONS}/sales", json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["path"] for e in errors] == [path]
    assert message in errors[0]["message"]
    assert (await hr.get(PERMISSIONS)).json() == {"items": []}


async def test_a_group_on_a_never_published_form_is_checked_against_its_draft(hr):
    draft = make_form("trip", [field("city"), field("traveller", "member")])
    assert (await hr.post("/api/apps/hr/forms", json={"definition": draft})).status_code == 201
    await _role(hr, "sales")
    url = "/api/apps/hr/forms/trip/permissions/sales"
    ok = await hr.put(url, json={"data_scope": {"kind": "field", "field": "traveller"}, "field_rules": {"city": "read_only"}})
    assert ok.status_code == 200, ok.text
    unknown = await hr.put(url, json={"field_rules": {"days": "hidden"}})
    assert unknown.status_code == 422
    assert [e["path"] for e in unknown.json()["errors"]] == ["field_rules.days"]


async def test_a_draft_that_does_not_compile_must_be_fixed_first(hr):
    broken = make_form("trip", [field("city"), field("mood", "no_such_type")])
    assert (await hr.post("/api/apps/hr/forms", json={"definition": broken})).status_code == 201
    await _role(hr, "sales")
    response = await hr.put("/api/apps/hr/forms/trip/permissions/sales", json={"actions": ["view"]})
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail_zh"]) == ("form_not_ready", "表单草稿尚有错误，请先修正再设置权限。")
    assert [e["path"] for e in response.json()["errors"]] == ["definition.fields.1.type"]
    assert (await hr.get("/api/apps/hr/forms/trip/permissions")).json() == {"items": []}


# -- who may call ---------------------------------------------------------------------------------


async def _calls(client) -> list[int]:
    return [
        (await client.get(ROLES)).status_code,
        (await client.post(ROLES, json={"key": "mine", "name": "Mine"})).status_code,
        (await client.patch(f"{ROLES}/sales", json={"name": "Mine"})).status_code,
        (await client.put(f"{ROLES}/sales/members", json={"users": []})).status_code,
        (await client.delete(f"{ROLES}/sales")).status_code,
        (await client.get(PERMISSIONS)).status_code,
        (await client.put(f"{PERMISSIONS}/sales", json={"actions": ["view"]})).status_code,
        (await client.delete(f"{PERMISSIONS}/sales")).status_code,
    ]


async def test_outsiders_get_404_and_plain_members_403(hr, make_user, login):
    await make_user("stranger")
    member = await make_user("member")
    await _role(hr, "sales")
    await hr.put(f"{ROLES}/sales/members", json={"users": [member["id"]]})
    await hr.put(f"{PERMISSIONS}/sales", json={"actions": ["view"]})

    assert await _calls(await login("stranger", "user-Pa55word")) == [404] * 8
    member_client = await login("member", "user-Pa55word")
    assert await _calls(member_client) == [403] * 8
    refused = (await member_client.get(ROLES)).json()
    assert (refused["code"], refused["detail_zh"]) == ("forbidden", "只有应用管理员可以管理应用的角色和权限。")

    roles = (await hr.get(ROLES)).json()["items"]
    assert [(r["key"], r["name"], [u["id"] for u in r["members"]["users"]]) for r in roles] == [
        ("sales", "Sales", [member["id"]])]
    assert len((await hr.get(PERMISSIONS)).json()["items"]) == 1


async def test_members_of_an_admin_role_manage_roles_and_permissions(hr, make_user, login):
    dept = (await hr.post("/api/admin/departments", json={"name": "IT"})).json()
    direct = await make_user("direct")
    await make_user("via_dept", department_ids=[dept["id"]])
    await _role(hr, "keepers", is_admin=True)
    await _role(hr, "sales")
    await hr.put(f"{ROLES}/keepers/members", json={"users": [direct["id"]], "departments": [dept["id"]]})

    for username in ("direct", "via_dept"):
        app_admin = await login(username, "user-Pa55word")
        assert (await app_admin.get(ROLES)).status_code == 200
        assert (await app_admin.put(f"{PERMISSIONS}/sales", json={"actions": ["view", "export"]})).status_code == 200
    assert (await hr.get(PERMISSIONS)).json()["items"][0]["actions"] == ["view", "export"]


# -- audit ----------------------------------------------------------------------------------------


async def test_every_change_leaves_one_audit_entry(hr, make_user):
    ann = await make_user("ann")
    await _role(hr, "sales")
    await hr.patch(f"{ROLES}/sales", json={"name": "Sales team"})
    await hr.patch(f"{ROLES}/sales", json={"name": "Sales team"})  # no change, no entry
    await hr.put(f"{ROLES}/sales/members", json={"users": [ann["id"]]})
    await hr.put(f"{PERMISSIONS}/sales", json={"actions": ["view"]})
    await hr.put(f"{PERMISSIONS}/sales", json={"actions": ["view", "create"]})
    await hr.put(f"{PERMISSIONS}/sales", json={"actions": ["edit"]})  # refused: no entry
    await hr.delete(f"{PERMISSIONS}/sales")
    await hr.delete(f"{ROLES}/sales")

    entries = await _audit(hr, "app_role.") + await _audit(hr, "permission_group.")
    assert [(e["action"], e["target_type"], e["target_id"]) for e in entries] == [
        ("app_role.create", "app_role", "hr.sales"),
        ("app_role.update", "app_role", "hr.sales"),
        ("app_role.members", "app_role", "hr.sales"),
        ("app_role.delete", "app_role", "hr.sales"),
        ("permission_group.create", "permission_group", "hr.leave.sales"),
        ("permission_group.update", "permission_group", "hr.leave.sales"),
        ("permission_group.delete", "permission_group", "hr.leave.sales"),
    ]
    by_action = {e["action"]: e for e in entries}
    assert (by_action["app_role.update"]["before"], by_action["app_role.update"]["after"]) == (
        {"name": "Sales"}, {"name": "Sales team"})
    assert by_action["app_role.members"]["after"] == {"users": [ann["id"]], "departments": [], "roles": []}
    assert by_action["permission_group.update"]["before"]["actions"] == ["view"]
    assert by_action["permission_group.update"]["after"] == {
        "actions": ["view", "create"], "data_scope": {"kind": "all"}, "edit_scope": None, "field_rules": {}}
    assert by_action["app_role.delete"]["before"] == {
        "key": "sales", "name": "Sales team", "description": "", "is_admin": False, "external": False,
        "members": {"users": [ann["id"]], "departments": [], "roles": []}, "permission_forms": []}
    assert all(e["actor_name"] == "admin" for e in entries)
