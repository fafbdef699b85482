"""The permission matrix: seven app roles over six data scopes, each user asserted on every read
path — list, detail, quick search, query, count, linked-record expansion, export, history,
comments, file downloads, API tokens — with the exact record ids and field sets they must get.

The org (departments): HQ ─┬─ Sales ── Sales East
                           └─ Finance

| user  | department | app roles (scope)                                         |
|-------|------------|-----------------------------------------------------------|
| alice | Sales East | rep (own; cost hidden)                                    |
| bob   | Sales      | rep (own) + sales_dept via his department (department)    |
| carol | Sales      | manager (department tree) + sales_dept (department)       |
| dave  | Finance    | finance (all; stage read-only)                            |
| erin  | — external | partner, open to externals (field `partner` contains me)  |
| frank | Finance    | closer (custom: stage = "won")                            |
| gina  | HQ         | auditor via the platform role "auditors" (all; cost hidden)|
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.factories.forms import choices, field, make_form, publish_form

APP = "crm"
DEALS = make_form(
    "deals",
    [
        field("title", required=True),
        field("amount", "money"),
        field("cost", "money"),
        field("stage", "single_select", options=choices("lead", "won")),
        field("partner", "member"),
        field("notes", "textarea"),
        field("contract", "attachment"),
    ],
    title_field="title",
)
VISITS = make_form("visits", [field("subject"), field("deal", "link", options={"form": "deals"})], title_field="subject")
URL = f"/api/apps/{APP}/forms/deals/records"
SYSTEM = {"id", "version", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "owner_dept_id", "draft",
          "flow_status", "deleted_at"}
ALL_FIELDS = {"title", "amount", "cost", "stage", "partner", "notes", "contract"}

VIEWER = ["view", "view_history", "comment"]
GROUPS = {
    "rep": {"actions": ["view", "create", "edit", "import", "view_history", "comment"], "data_scope": {"kind": "own"},
            "field_rules": {"cost": "hidden"}},
    "sales_dept": {"actions": ["view", "export"], "data_scope": {"kind": "department"}},
    "manager": {"actions": ["view", "edit", "delete", "export", "reassign", "view_history"],
                "data_scope": {"kind": "department_tree"}, "field_rules": {"cost": "read_only"}},
    "finance": {"actions": ["view", "edit", "export"], "data_scope": {"kind": "all"}, "field_rules": {"stage": "read_only"}},
    "partner": {"actions": ["view", "comment"], "data_scope": {"kind": "field", "field": "partner"},
                "field_rules": {k: "hidden" for k in ("amount", "cost", "partner", "notes", "contract")}},
    "closer": {"actions": VIEWER, "data_scope": {"kind": "custom", "expression": 'stage = "won"'}},
    "auditor": {"actions": ["view", "view_history", "export"], "data_scope": {"kind": "all"},
                "field_rules": {"cost": "hidden"}},
}

# What each user must see: record names (resolved to ids at run time) and fields.
EXPECTED = {
    "alice": ({"d1", "d2"}, ALL_FIELDS - {"cost"}),
    "bob": ({"d3", "d4", "d6"}, ALL_FIELDS),  # d6 is shared with him; sales_dept does not hide cost
    "carol": ({"d1", "d2", "d3", "d4"}, ALL_FIELDS),
    "dave": ({"d1", "d2", "d3", "d4", "d5", "d6"}, ALL_FIELDS),
    "erin": ({"d1", "d4"}, {"title", "stage"}),
    "frank": ({"d1", "d3", "d5"}, ALL_FIELDS),
    "gina": ({"d1", "d2", "d3", "d4", "d5", "d6"}, ALL_FIELDS - {"cost"}),
}
CAN_EXPORT = {"bob", "carol", "dave", "gina"}
CAN_HISTORY = {"alice", "bob", "carol", "frank", "gina"}
CAN_COMMENT = {"alice", "bob", "erin", "frank"}
NO_HISTORY_THERE = {("bob", "d4")}  # bob sees d4 through sales_dept, which grants no history
PASSWORD = "user-Pa55word"


@pytest.fixture
async def world(client, make_user, login):
    """The org, the app, its roles and groups, six deals with owners, a visit per deal."""
    dept = {}
    for name, parent in (("HQ", None), ("Sales", "HQ"), ("Sales East", "Sales"), ("Finance", "HQ")):
        response = await client.post("/api/admin/departments", json={"name": name, "parent_id": dept.get(parent)})
        assert response.status_code == 201, response.text
        dept[name] = response.json()["id"]
    auditors = (await client.post("/api/admin/roles", json={"key": "auditors", "name": "Auditors"})).json()
    homes = {"alice": ["Sales East"], "bob": ["Sales"], "carol": ["Sales"], "dave": ["Finance"], "erin": [],
             "frank": ["Finance"], "gina": ["HQ"]}
    users = {}
    for name, depts in homes.items():
        extra = {"department_ids": [dept[d] for d in depts]}
        if name == "erin":
            extra["is_external"] = True
        if name == "gina":
            extra["role_ids"] = [auditors["id"]]
        users[name] = await make_user(name, PASSWORD, **extra)

    await publish_form(client, APP, DEALS)
    await publish_form(client, APP, VISITS, create_app=False)
    members = {
        "rep": {"users": [users["alice"]["id"], users["bob"]["id"]]},
        "sales_dept": {"departments": [dept["Sales"]]},
        "manager": {"users": [users["carol"]["id"]]},
        "finance": {"users": [users["dave"]["id"]]},
        "partner": {"users": [users["erin"]["id"]]},
        "closer": {"users": [users["frank"]["id"]]},
        "auditor": {"roles": [auditors["id"]]},
    }
    for role, group in GROUPS.items():
        created = await client.post(f"/api/apps/{APP}/roles", json={"key": role, "name": role.title(),
                                                                     "external": role == "partner"})
        assert created.status_code == 201, created.text
        body = {"users": [], "departments": [], "roles": [], **members[role]}
        assert (await client.put(f"/api/apps/{APP}/roles/{role}/members", json=body)).status_code == 200
        saved = await client.put(f"/api/apps/{APP}/forms/deals/permissions/{role}", json=group)
        assert saved.status_code == 200, saved.text
        visits = await client.put(f"/api/apps/{APP}/forms/visits/permissions/{role}", json={"actions": ["view"]})
        assert visits.status_code == 200, visits.text

    upload = await client.post("/api/files", files={"file": ("contract.pdf", b"%PDF-1.4 signed", "application/pdf")})
    assert upload.status_code == 201, upload.text
    file_ref = upload.json()
    plan = {  # name: (owner, stage, partner)
        "d1": ("alice", "won", "erin"), "d2": ("alice", "lead", None), "d3": ("bob", "won", None),
        "d4": ("carol", "lead", "erin"), "d5": ("dave", "won", None), "d6": (None, "lead", None),
    }
    ids = {}
    for name, (owner, stage, partner) in plan.items():
        body = {"title": f"Deal {name}", "amount": "100.00", "cost": "60.00", "stage": stage,
                "notes": f"secret-{name} pipeline", "partner": users[partner]["id"] if partner else None}
        if name == "d1":
            body["contract"] = [file_ref]
        response = await client.post(URL, json=body)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
        if owner:
            moved = await client.post(f"{URL}/reassign", json={"ids": [ids[name]], "owner_id": users[owner]["id"]})
            assert moved.status_code == 200 and moved.json()["reassigned"] == [ids[name]], moved.text
        visit = await client.post(f"/api/apps/{APP}/forms/visits/records", json={"subject": f"Visit {name}", "deal": ids[name]})
        assert visit.status_code == 201, visit.text
        comment = await client.post(f"{URL}/{ids[name]}/comments", json={"body": f"note on {name}"})
        assert comment.status_code == 201, comment.text
    shared = await client.post(f"{URL}/{ids['d6']}/shares", json={"user_id": users["bob"]["id"], "level": "read"})
    assert shared.status_code == 201, shared.text
    clients = {name: await login(name, PASSWORD) for name in homes}
    return {"ids": ids, "users": users, "clients": clients, "file": file_ref, "admin": client, "dept": dept}


def _names(world, ids) -> set[str]:
    by_id = {v: k for k, v in world["ids"].items()}
    return {by_id[i] for i in ids}


async def _read_paths(world, name: str, c) -> list[str]:
    """Every read path for one user; returns the mismatches (empty when all hold)."""
    wrong: list[str] = []
    records, fields = EXPECTED[name]
    ids = world["ids"]

    def check(path: str, got, want) -> None:
        if got != want:
            wrong.append(f"{name} {path}: got {sorted(got) if isinstance(got, set) else got}, "
                         f"want {sorted(want) if isinstance(want, set) else want}")

    listed = await c.get(URL, params={"count": "true", "limit": 100})
    check("list status", listed.status_code, 200)
    items = listed.json()["items"]
    check("list ids", _names(world, [i["id"] for i in items]), records)
    check("list total", listed.json()["total"], len(records))
    for item in items:
        check(f"list fields of {item['id']}", set(item) - SYSTEM, fields)

    for record, record_id in ids.items():
        detail = await c.get(f"{URL}/{record_id}")
        check(f"detail {record} status", detail.status_code, 200 if record in records else 404)
        if detail.status_code == 200:
            check(f"detail {record} fields", set(detail.json()) - SYSTEM, fields)
        history = await c.get(f"{URL}/{record_id}/history")
        # Without the action the form refuses before any record is looked at; a record the user
        # sees through a group that does not grant history is refused (403), not hidden.
        want_history = 403 if name not in CAN_HISTORY or (name, record) in NO_HISTORY_THERE else \
            200 if record in records else 404
        check(f"history {record} status", history.status_code, want_history)
        if history.status_code == 200:
            changed = set().union(*(set(e["changes"]) for e in history.json()["items"]))
            check(f"history {record} fields", changed - fields - {"owner_id"}, set())
        comments = await c.get(f"{URL}/{record_id}/comments")
        check(f"comments {record} status", comments.status_code, 200 if record in records else 404)

    searched = await c.get(URL, params={"search": "Deal"})
    check("search ids", _names(world, [i["id"] for i in searched.json()["items"]]), records)
    hidden_text = await c.get(URL, params={"search": "secret-d1"})
    check("search in notes", _names(world, [i["id"] for i in hidden_text.json()["items"]]),
          {"d1"} & records if "notes" in fields else set())
    queried = await c.post(f"{URL}/query", json={"filter": {"field": "stage", "op": "eq", "value": "won"}, "count": True})
    check("query ids", _names(world, [i["id"] for i in queried.json()["items"]]), records & {"d1", "d3", "d5"})
    check("query total", queried.json()["total"], len(records & {"d1", "d3", "d5"}))

    visits = await c.get(f"/api/apps/{APP}/forms/visits/records", params={"expand": "deal", "limit": 100})
    check("visits status", visits.status_code, 200)
    titled = {v["subject"][-2:] for v in visits.json()["items"] if v["deal"] and v["deal"]["title"]}
    check("expanded titles", titled, records)

    exported = await c.get(f"{URL}/export", params={"format": "csv"})
    check("export status", exported.status_code, 200 if name in CAN_EXPORT else 403)
    if exported.status_code == 200:
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        check("export ids", _names(world, [int(r[0]) for r in rows[1:]]), records)
        check("export hidden columns", {"cost", "notes", "amount"} & {h.lower() for h in rows[0]},
              {"cost", "notes", "amount"} & fields)

    download = await c.get(f"/api/files/{world['file']['key']}")
    check("file download", download.status_code, 200 if "d1" in records and "contract" in fields else 404)
    mine = await c.get(f"/api/apps/{APP}/forms/deals/permissions/me")
    check("permissions/me fields", set(mine.json()["fields"]), fields)
    return wrong


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_each_role_sees_exactly_its_records_and_fields(world, name):
    assert await _read_paths(world, name, world["clients"][name]) == []


async def test_api_tokens_read_as_their_user_and_can_be_narrowed(world):
    carol = world["clients"]["carol"]
    token = (await carol.post("/api/auth/tokens", json={"name": "sync", "expires_in_days": 1})).json()["token"]
    narrow = (await carol.post("/api/auth/tokens", json={"name": "ro", "expires_in_days": 1, "read_only": True})).json()["token"]
    other_app = (await carol.post("/api/auth/tokens", json={"name": "x", "expires_in_days": 1, "apps": []})).json()
    from tests.conftest import make_client

    app = carol._transport.app  # the same ASGI app
    async with make_client(app) as bearer:
        bearer.headers["Authorization"] = f"Bearer {token}"
        assert await _read_paths(world, "carol", bearer) == []
        record = (await bearer.get(f"{URL}/{world['ids']['d2']}")).json()
        edited = await bearer.patch(f"{URL}/{record['id']}", json={"version": record["version"], "title": "Via token"})
        assert edited.status_code == 200, edited.text
    async with make_client(app) as read_only:
        read_only.headers["Authorization"] = f"Bearer {narrow}"
        assert (await read_only.get(URL)).status_code == 200
        record = (await read_only.get(f"{URL}/{world['ids']['d2']}")).json()
        refused = await read_only.patch(f"{URL}/{record['id']}", json={"version": record["version"], "title": "No"})
        assert refused.status_code == 403 and refused.json()["code"] == "token_read_only"
        queried = await read_only.post(f"{URL}/query", json={"filter": {"field": "stage", "op": "eq", "value": "won"}})
        assert queried.status_code == 200 and _names(world, [i["id"] for i in queried.json()["items"]]) == {"d1", "d3"}
    if "token" in other_app:  # a token bound to no app sees none
        async with make_client(app) as nowhere:
            nowhere.headers["Authorization"] = f"Bearer {other_app['token']}"
            assert (await nowhere.get(URL)).status_code == 404


# -- writes and refusals -------------------------------------------------------------------------------


async def test_guessing_ids_is_404_on_every_verb(world):
    alice, ids = world["clients"]["alice"], world["ids"]
    for record in ("d3", "d5", "d6"):
        rid = ids[record]
        assert (await alice.get(f"{URL}/{rid}")).status_code == 404
        assert (await alice.patch(f"{URL}/{rid}", json={"version": 1, "title": "x"})).status_code == 404
        assert (await alice.delete(f"{URL}/{rid}")).status_code == 403  # rep holds no delete at all
        assert (await alice.get(f"{URL}/{rid}/history")).status_code == 404
        assert (await alice.post(f"{URL}/{rid}/comments", json={"body": "hi"})).status_code == 404
        assert (await alice.get(f"{URL}/{rid}/shares")).status_code == 404
    carol = world["clients"]["carol"]
    assert (await carol.delete(f"{URL}/{ids['d5']}")).status_code == 404
    gone = await carol.post(f"{URL}/bulk-delete", json={"ids": [ids["d5"], ids["d6"], ids["d2"]]})
    assert gone.status_code == 200 and gone.json()["deleted"] == [ids["d2"]]


async def test_read_only_and_hidden_fields_are_refused_on_write_naming_the_field(world):
    ids = world["ids"]
    dave = world["clients"]["dave"]
    record = (await dave.get(f"{URL}/{ids['d1']}")).json()
    refused = await dave.patch(f"{URL}/{ids['d1']}", json={"version": record["version"], "stage": "lead"})
    assert refused.status_code == 403
    assert [e["path"] for e in refused.json()["errors"]] == ["stage"]
    fine = await dave.patch(f"{URL}/{ids['d1']}", json={"version": record["version"], "amount": "120.00"})
    assert fine.status_code == 200 and fine.json()["amount"] == "120.00"

    carol = world["clients"]["carol"]  # manager: cost is read-only there, sales_dept grants no edit
    record = (await carol.get(f"{URL}/{ids['d3']}")).json()
    refused = await carol.patch(f"{URL}/{ids['d3']}", json={"version": record["version"], "cost": "1.00"})
    assert refused.status_code == 403 and [e["path"] for e in refused.json()["errors"]] == ["cost"]

    alice = world["clients"]["alice"]
    created = await alice.post(URL, json={"title": "Mine", "cost": "5.00"})
    assert created.status_code == 403 and [e["path"] for e in created.json()["errors"]] == ["cost"]
    created = await alice.post(URL, json={"title": "Mine", "stage": "lead"})
    assert created.status_code == 201 and "cost" not in created.json()
    assert created.json()["owner_id"] == world["users"]["alice"]["id"]


async def test_hidden_fields_cannot_be_filtered_sorted_or_counted(world):
    alice = world["clients"]["alice"]
    for params in ({"filter": json.dumps({"field": "cost", "op": "gt", "value": 0})},
                   {"sort": "-cost"},
                   {"filter": json.dumps({"expr": "cost > 0"}), "count": "true"}):
        response = await alice.get(URL, params=params)
        assert response.status_code == 422, (params, response.text)
        assert "cost" in json.dumps(response.json()["errors"])
    exported = await alice.get(f"{URL}/export", params={"format": "csv", "sort": "cost"})
    assert exported.status_code in (403, 422)
    erin = world["clients"]["erin"]
    assert (await erin.get(URL, params={"sort": "amount"})).status_code == 422
    assert (await erin.get(URL, params={"fields": "title,notes"})).status_code == 422


async def test_edit_scope_narrower_than_view_and_edit_shares(world):
    admin, ids, users = world["admin"], world["ids"], world["users"]
    group = {**GROUPS["finance"], "edit_scope": {"kind": "own"}}
    assert (await admin.put(f"/api/apps/{APP}/forms/deals/permissions/finance", json=group)).status_code == 200
    dave = world["clients"]["dave"]
    d1 = (await dave.get(f"{URL}/{ids['d1']}")).json()
    refused = await dave.patch(f"{URL}/{ids['d1']}", json={"version": d1["version"], "amount": "1.00"})
    assert refused.status_code == 403
    d5 = (await dave.get(f"{URL}/{ids['d5']}")).json()
    assert (await dave.patch(f"{URL}/{ids['d5']}", json={"version": d5["version"], "amount": "1.00"})).status_code == 200
    shared = await admin.post(f"{URL}/{ids['d1']}/shares", json={"user_id": users["dave"]["id"], "level": "edit"})
    assert shared.status_code == 201
    assert (await dave.patch(f"{URL}/{ids['d1']}", json={"version": d1["version"], "amount": "1.00"})).status_code == 200


async def test_sharing_is_for_owners_and_managers_and_can_be_withdrawn(world):
    ids, users = world["ids"], world["users"]
    alice, frank = world["clients"]["alice"], world["clients"]["frank"]
    assert (await frank.get(f"{URL}/{ids['d2']}")).status_code == 404
    assert (await frank.post(f"{URL}/{ids['d1']}/shares", json={"user_id": users["frank"]["id"]})).status_code == 403
    shared = await alice.post(f"{URL}/{ids['d2']}/shares", json={"user_id": users["frank"]["id"], "level": "read"})
    assert shared.status_code == 201, shared.text
    assert (await frank.get(f"{URL}/{ids['d2']}")).status_code == 200
    bad = await alice.post(f"{URL}/{ids['d2']}/shares", json={"user_id": 99999})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "user_id"
    share_id = shared.json()["items"][0]["id"]
    assert (await alice.delete(f"{URL}/{ids['d2']}/shares/{share_id}")).status_code == 204
    assert (await frank.get(f"{URL}/{ids['d2']}")).status_code == 404
    dept = await alice.post(f"{URL}/{ids['d2']}/shares", json={"department_id": world["dept"]["Finance"]})
    assert dept.status_code == 201
    assert (await frank.get(f"{URL}/{ids['d2']}")).status_code == 200


async def test_reassign_single_bulk_and_hand_over_a_leaver(world):
    ids, users, admin = world["ids"], world["users"], world["admin"]
    carol, alice = world["clients"]["carol"], world["clients"]["alice"]
    moved = await carol.post(f"{URL}/reassign", json={"ids": [ids["d1"], ids["d2"], ids["d5"]], "owner_id": users["bob"]["id"]})
    assert moved.status_code == 200
    assert moved.json() == {"reassigned": [ids["d1"], ids["d2"]], "unchanged": [], "not_found": [ids["d5"]]}
    assert (await alice.get(f"{URL}/{ids['d1']}")).status_code == 404  # no longer hers
    history = (await carol.get(f"{URL}/{ids['d1']}/history")).json()["items"]
    assert history[0]["op"] == "reassign" and history[0]["changes"]["owner_id"] == [users["alice"]["id"], users["bob"]["id"]]
    assert (await alice.post(f"{URL}/reassign", json={"ids": [ids["d1"]], "owner_id": users["alice"]["id"]})).status_code == 403

    handed = await admin.post(f"/api/admin/users/{users['bob']['id']}/handover", json={"to_user_id": users["alice"]["id"]})
    assert handed.status_code == 200, handed.text
    assert handed.json() == {"records": 3, "forms": {f"{APP}.deals": 3}}
    assert _names(world, [i["id"] for i in (await alice.get(URL)).json()["items"]]) == {"d1", "d2", "d3"}
    assert (await carol.post(f"/api/admin/users/{users['bob']['id']}/handover",
                             json={"to_user_id": users["carol"]["id"]})).status_code == 403


async def test_external_users_see_only_opened_apps_and_never_the_directory(world):
    erin, admin = world["clients"]["erin"], world["admin"]
    assert (await erin.get("/api/directory/users")).status_code == 403
    assert (await erin.get("/api/admin/users")).status_code == 403
    apps = (await erin.get("/api/apps")).json()["items"]
    assert [a["key"] for a in apps] == [APP]
    # Put in a department that holds a role not opened to externals, she gains nothing from it.
    moved = await admin.patch(f"/api/admin/users/{world['users']['erin']['id']}",
                              json={"department_ids": [world["dept"]["Sales"]]})
    assert moved.status_code == 200, moved.text
    listed = (await erin.get(URL)).json()["items"]
    assert _names(world, [i["id"] for i in listed]) == {"d1", "d4"}
    assert {k for item in listed for k in item} - SYSTEM == {"title", "stage"}
    emptied = await admin.put(f"/api/apps/{APP}/roles/partner/members", json={"users": [], "departments": [], "roles": []})
    assert emptied.status_code == 200
    assert (await erin.get(URL)).status_code == 404
    assert (await erin.get("/api/apps")).json()["items"] == []


async def test_commenting_needs_the_action_and_a_visible_record(world):
    ids = world["ids"]
    for name, (records, _) in EXPECTED.items():
        c = world["clients"][name]
        seen = sorted(records)[0]
        posted = await c.post(f"{URL}/{ids[seen]}/comments", json={"body": f"{name} was here"})
        assert posted.status_code == (201 if name in CAN_COMMENT else 403), (name, posted.text)
        unseen = sorted(set(ids) - records)
        if unseen:
            refused = await c.post(f"{URL}/{ids[unseen[0]]}/comments", json={"body": "x"})
            assert refused.status_code == (404 if name in CAN_COMMENT else 403), (name, refused.text)
    on_d1 = (await world["clients"]["erin"].get(f"{URL}/{ids['d1']}/comments")).json()["items"]
    assert [c["body"] for c in on_d1] == ["note on d1", "alice was here", "erin was here", "frank was here"]


async def test_an_import_updates_only_rows_in_scope_and_never_hidden_fields(world):
    from tests.api.transfer_helpers import csv_bytes, upload, wait_job

    alice, ids, admin = world["clients"]["alice"], world["ids"], world["admin"]
    rows = [["title", "amount"], ["Deal d1", "5"], ["Deal d3", "7"]]  # d3 is bob's: alice cannot see it
    uploaded = await upload(alice, f"{URL[:-len('/records')]}/imports", csv_bytes(rows), "deals.csv")
    assert uploaded.status_code == 201, uploaded.text
    preview = uploaded.json()
    run = {"mapping": [m for m in preview["suggested_mapping"] if m["field"]], "mode": "upsert", "key_field": "title"}
    started = await alice.post(f"{URL[:-len('/records')]}/imports/{preview['id']}/run", json=run)
    assert started.status_code == 202, started.text
    job = await wait_job(alice, started.json()["job_id"])
    assert (job["result"]["created"], job["result"]["updated"]) == (1, 1), job
    assert (await admin.get(f"{URL}/{ids['d1']}")).json()["amount"] == "5.00"
    assert (await admin.get(f"{URL}/{ids['d3']}")).json()["amount"] == "100.00"
    mine = (await alice.get(URL, params={"search": "Deal d3"})).json()["items"]
    assert [(m["title"], m["amount"], m["owner_id"]) for m in mine] == [("Deal d3", "7.00", world["users"]["alice"]["id"])]

    hidden = await upload(alice, f"{URL[:-len('/records')]}/imports", csv_bytes([["title", "cost"], ["Deal d1", "1"]]), "c.csv")
    assert hidden.status_code == 201
    assert [m["field"] for m in hidden.json()["suggested_mapping"]] == ["title", None]  # cost is not offered
