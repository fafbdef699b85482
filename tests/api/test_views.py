"""Saved views of a form's records: each user's own, shared ones per app role, only app admins
sharing, configs checked against the form (fields the user may read, the filter language, the
kanban's and calendar's field), and refusals in English and Chinese."""

from __future__ import annotations

import pytest

from tests.factories.forms import choices, field, make_form, publish_form

APP = "crm"
DEALS = make_form("deals", [
    field("title"),
    field("stage", "single_select", options=choices("lead", "won", "lost")),
    field("amount", "money"),
    field("close_on", "date"),
    field("cost", "money"),
], title_field="title")
VIEWS = f"/api/apps/{APP}/forms/deals/views"
PASSWORD = "user-Pa55word"


@pytest.fixture
async def crm(client, make_user):
    """The CRM with a `rep` role (view + create on deals, `cost` hidden) held by alice, and bob in
    no role of the app at all but a `manager` role that sees everything."""
    await publish_form(client, APP, DEALS)
    alice = await make_user("alice", PASSWORD)
    bob = await make_user("bob", PASSWORD)
    for role, user, group in (
        ("rep", alice, {"actions": ["view", "create"], "field_rules": {"cost": "hidden"}}),
        ("manager", bob, {"actions": ["view"]}),
    ):
        created = await client.post(f"/api/apps/{APP}/roles", json={"key": role, "name": role.title()})
        assert created.status_code == 201, created.text
        members = {"users": [user["id"]], "departments": [], "roles": []}
        assert (await client.put(f"/api/apps/{APP}/roles/{role}/members", json=members)).status_code == 200
        saved = await client.put(f"/api/apps/{APP}/forms/deals/permissions/{role}", json=group)
        assert saved.status_code == 200, saved.text
    return {"alice": alice, "bob": bob}


def table_view(name: str = "Big deals", **config) -> dict:
    return {"name": name, "kind": "table", "config": {
        "columns": ["title", "stage", "amount"], "widths": {"title": 240}, "frozen": ["title"], "sort": ["-amount"],
        "filter": {"and": [{"field": "amount", "op": "gte", "value": "100000"}]}, "page_size": 50, **config}}


async def test_a_user_saves_a_view_and_reads_it_back(crm, login):
    alice = await login("alice", PASSWORD)
    created = await alice.post(VIEWS, json=table_view())
    assert created.status_code == 201, created.text
    view = created.json()
    assert view["shared"] is False and view["can_edit"] is True and view["owner_id"] == crm["alice"]["id"]
    assert view["config"]["filter"] == {"and": [{"field": "amount", "op": "gte", "value": "100000"}]}
    assert view["config"]["widths"] == {"title": 240} and view["config"]["page_size"] == 50

    listed = (await alice.get(VIEWS)).json()
    assert [v["name"] for v in listed["items"]] == ["Big deals"] and listed["can_share"] is False

    renamed = await alice.patch(f"{VIEWS}/{view['id']}", json={"name": "Biggest deals", "config": {"sort": ["title"]}})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Biggest deals" and renamed.json()["config"]["sort"] == ["title"]
    assert (await alice.delete(f"{VIEWS}/{view['id']}")).status_code == 204
    assert (await alice.get(VIEWS)).json()["items"] == []


async def test_own_views_are_private_and_another_users_view_is_not_found(crm, login):
    alice, bob = await login("alice", PASSWORD), await login("bob", PASSWORD)
    view = (await alice.post(VIEWS, json=table_view())).json()
    assert (await bob.get(VIEWS)).json()["items"] == []
    assert (await bob.patch(f"{VIEWS}/{view['id']}", json={"name": "Mine now"})).status_code == 404
    assert (await bob.delete(f"{VIEWS}/{view['id']}")).status_code == 404
    # …nor does the id reach through another form's address.
    await alice.post(VIEWS, json=table_view("Second"))
    assert (await alice.get(f"/api/apps/{APP}/forms/nope/views")).status_code == 404


async def test_shared_views_reach_the_roles_they_name_and_only_admins_share(crm, client, login):
    alice, bob = await login("alice", PASSWORD), await login("bob", PASSWORD)
    refused = await alice.post(VIEWS, json={**table_view(), "shared": True})
    assert refused.status_code == 403 and refused.json()["code"] == "not_app_admin"
    assert refused.json()["detail_zh"]

    for_reps = await client.post(VIEWS, json={**table_view("Rep pipeline"), "shared": True, "roles": ["rep"]})
    assert for_reps.status_code == 201, for_reps.text
    for_all = await client.post(VIEWS, json={**table_view("Everyone"), "shared": True})
    assert for_all.status_code == 201
    assert [v["name"] for v in (await alice.get(VIEWS)).json()["items"]] == ["Rep pipeline", "Everyone"]
    assert [v["name"] for v in (await bob.get(VIEWS)).json()["items"]] == ["Everyone"]
    seen = (await alice.get(VIEWS)).json()["items"][0]
    assert seen["shared"] is True and seen["can_edit"] is False and seen["roles"] == ["rep"]

    # Members read shared views but do not change them; a view outside their roles is not found.
    assert (await alice.patch(f"{VIEWS}/{for_reps.json()['id']}", json={"name": "Mine"})).status_code == 403
    assert (await alice.delete(f"{VIEWS}/{for_all.json()['id']}")).status_code == 403
    assert (await bob.patch(f"{VIEWS}/{for_reps.json()['id']}", json={"name": "Mine"})).status_code == 404
    # An admin sees every shared view and changes whom it reaches.
    widened = await client.patch(f"{VIEWS}/{for_reps.json()['id']}", json={"roles": ["rep", "manager"]})
    assert widened.status_code == 200 and widened.json()["can_edit"] is True
    assert [v["name"] for v in (await bob.get(VIEWS)).json()["items"]] == ["Rep pipeline", "Everyone"]
    # Turning one's own view into a shared one is for admins too.
    own = (await alice.post(VIEWS, json=table_view("Own"))).json()
    assert (await alice.patch(f"{VIEWS}/{own['id']}", json={"shared": True})).status_code == 403


async def test_a_view_may_name_only_fields_the_user_reads(crm, client, login):
    alice = await login("alice", PASSWORD)
    # `cost` is hidden from reps: naming it anywhere is refused exactly like an unknown field.
    for config, path in (
        ({"columns": ["title", "cost"]}, "config.columns.1"),
        ({"sort": ["-cost"]}, "config.sort.0"),
        ({"filter": {"field": "cost", "op": "gt", "value": "1"}}, "config.filter.field"),
        ({"filter": {"expr": "cost > 1"}}, "config.filter.expr"),
        ({"columns": ["title", "nonsense"]}, "config.columns.1"),
    ):
        refused = await alice.post(VIEWS, json=table_view(**config))
        assert refused.status_code == 422, (config, refused.text)
        error = refused.json()["errors"][0]
        assert error["path"] == path and "cost" not in refused.json()["detail"]
        assert error["message"] and error["message_zh"]
    # The administrator reads `cost` and may use it; formulas on readable fields are fine for anyone.
    assert (await client.post(VIEWS, json=table_view(columns=["title", "cost"]))).status_code == 201
    assert (await alice.post(VIEWS, json=table_view(filter={"expr": "amount > 100"}))).status_code == 201


async def test_bad_input_names_its_place_in_english_and_chinese(crm, login):
    alice = await login("alice", PASSWORD)
    cases = (
        ({"name": "", "kind": "table"}, "name"),
        ({"name": "x", "kind": "gantt"}, "kind"),
        ({"name": "x", "config": {"page_size": 100000}}, "config.page_size"),
        ({"name": "x", "config": {"colour": "red"}}, "config.colour"),
        ({"name": "x", "config": {"widths": {"title": 5}}}, "config.widths.title"),
        ({"name": "x", "config": {"filter": {"field": "amount", "op": "explode", "value": 1}}}, "config.filter.op"),
        ({"name": "x", "config": {"filter": {"field": "title", "op": "eq", "value": "'; DROP TABLE x"},
                                  "sort": ["title; --"]}}, "config.sort.0"),
        ({"name": "x", "roles": ["rep"]}, "roles"),
    )
    for body, path in cases:
        refused = await alice.post(VIEWS, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["detail_zh"] and path in [e["path"] for e in problem["errors"]], (path, problem)
        assert all(e["message"] and e["message_zh"] for e in problem["errors"])


async def test_kanban_and_calendar_views_need_a_field_of_their_kind(crm, login):
    alice = await login("alice", PASSWORD)
    for kind, config, path in (
        ("kanban", {}, "config.group_field"),
        ("kanban", {"group_field": "title"}, "config.group_field"),
        ("calendar", {"date_field": "amount"}, "config.date_field"),
        ("calendar", {"date_field": "cost"}, "config.date_field"),
    ):
        refused = await alice.post(VIEWS, json={"name": kind, "kind": kind, "config": config})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["path"] == path
    board = await alice.post(VIEWS, json={"name": "Board", "kind": "kanban", "config": {"group_field": "stage"}})
    assert board.status_code == 201 and board.json()["config"]["group_field"] == "stage"
    calendar = await alice.post(VIEWS, json={"name": "Closing", "kind": "calendar",
                                             "config": {"date_field": "close_on"}})
    assert calendar.status_code == 201 and calendar.json()["kind"] == "calendar"


async def test_a_user_outside_the_app_sees_no_views(crm, client, make_user, login):
    await client.post(VIEWS, json={**table_view("Everyone"), "shared": True})
    await make_user("eve", PASSWORD)
    eve = await login("eve", PASSWORD)
    assert (await eve.get(VIEWS)).status_code == 404
    assert (await eve.post(VIEWS, json=table_view())).status_code == 404
