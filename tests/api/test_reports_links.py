"""Public read-only dashboard links (the sharer's scope frozen, revocable) and drilling a dashboard's
widget with its global filters, signed in and through a link."""

from __future__ import annotations

import json

from sqlalchemy import select

from runtime.tables.reports import dashboard_links
from tests.api.test_reports_world import APP, PASSWORD, by, report, world  # noqa: F401  (world is a fixture)

BOARDS = f"/api/apps/{APP}/dashboards"
PUBLIC = "/api/public/dashboards"


def board() -> dict:
    return {
        "widgets": [
            {"id": "by_stage", "kind": "report", "report": report()},
            {"id": "by_quarter", "kind": "report", "report": report(
                dimensions=[{"field": "signed_on", "bucket": "quarter"}], drill=[{"field": "signed_on", "bucket": "month"}])},
            {"id": "latest", "kind": "records", "form": "deals", "fields": ["title"], "limit": 10},
        ],
        "filters": [{"key": "period", "kind": "date_range", "targets": [
            {"widget": "by_stage", "field": "signed_on"}, {"widget": "by_quarter", "field": "signed_on"}]}],
    }


async def _board(admin, **share) -> int:
    created = await admin.post(BOARDS, json={"name": "Sales", "definition": board(),
                                             "share": share or {"roles": ["rep", "finance"]}})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def _widgets(response) -> dict:
    assert response.status_code == 200, response.text
    return {w["id"]: w for w in response.json()["widgets"]}


async def test_a_link_shows_the_board_in_the_sharers_scope_frozen_when_shared(world, anon, app):
    admin, alice = world["admin"], world["clients"]["alice"]
    board_id = await _board(admin)
    made = await alice.post(f"{BOARDS}/{board_id}/links", json={"name": "For the partner"})
    assert made.status_code == 201, made.text
    link = made.json()
    assert link["path"] == f"/share/d/{link['token']}" and link["prefix"] == link["token"][:6]
    async with app.state.db.transaction(write=False) as conn:  # only a digest of the token is kept
        stored = (await conn.execute(select(dashboard_links.c.token_hash))).scalars().all()
    assert link["token"] not in stored and len(stored) == 1

    opened = await anon.get(f"{PUBLIC}/{link['token']}")
    assert opened.status_code == 200, opened.text
    assert opened.json()["dashboard"]["name"] == "Sales" and "share" not in opened.json()["dashboard"]
    assert opened.json()["app"]["key"] == APP
    seen = _widgets(await anon.get(f"{PUBLIC}/{link['token']}/data"))
    assert by(seen["by_stage"]["data"]["rows"], "stage", "deals") == {"won": 1, "lead": 1}  # alice's own d1, d2
    assert {r["title"] for r in seen["latest"]["records"]["items"]} == {"Deal d1", "Deal d2"}

    # Alice is promoted to finance (all deals): she sees everything, the link still what she shared.
    promoted = await admin.put(f"/api/apps/{APP}/roles/finance/members", json={
        "users": [world["users"]["dave"]["id"], world["users"]["alice"]["id"]], "departments": [], "roles": []})
    assert promoted.status_code == 200, promoted.text
    mine = _widgets(await alice.get(f"{BOARDS}/{board_id}/data"))
    assert sum(by(mine["by_stage"]["data"]["rows"], "stage", "deals").values()) == 6
    still = _widgets(await anon.get(f"{PUBLIC}/{link['token']}/data"))
    assert by(still["by_stage"]["data"]["rows"], "stage", "deals") == {"won": 1, "lead": 1}

    # The link reads; it never writes, and it opens nothing else of the app.
    assert (await anon.get(f"/api/apps/{APP}/forms/deals/records")).status_code == 401
    assert (await anon.post(f"{PUBLIC}/{link['token']}/data")).status_code == 405


async def test_links_are_listed_to_their_sharer_and_the_apps_admins_and_revoked_for_good(world, anon):
    admin, alice, bob = world["admin"], world["clients"]["alice"], world["clients"]["bob"]
    board_id = await _board(admin)
    link = (await alice.post(f"{BOARDS}/{board_id}/links", json={"name": "Partner", "expires_in_days": 7})).json()
    assert link["expires_at"] is not None
    own = (await admin.post(f"{BOARDS}/{board_id}/links", json={"name": "Wall"})).json()
    assert [x["name"] for x in (await alice.get(f"{BOARDS}/{board_id}/links")).json()["items"]] == ["Partner"]
    assert {x["name"] for x in (await admin.get(f"{BOARDS}/{board_id}/links")).json()["items"]} == {"Partner", "Wall"}
    assert "token" not in (await admin.get(f"{BOARDS}/{board_id}/links")).json()["items"][0]
    # Bob may not open the board (not shared with his role): he can neither share nor see its links.
    assert (await bob.post(f"{BOARDS}/{board_id}/links", json={"name": "Mine"})).status_code == 404
    assert (await bob.get(f"{BOARDS}/{board_id}/links")).status_code == 404
    assert (await alice.delete(f"/api/apps/{APP}/dashboard-links/{own['id']}")).status_code == 404  # not hers

    assert (await alice.delete(f"/api/apps/{APP}/dashboard-links/{link['id']}")).status_code == 204
    gone = await anon.get(f"{PUBLIC}/{link['token']}/data")
    assert gone.status_code == 404 and gone.json()["detail_zh"]
    assert (await alice.delete(f"/api/apps/{APP}/dashboard-links/{link['id']}")).status_code == 404
    assert (await anon.get(f"{PUBLIC}/{own['token']}")).status_code == 200
    assert (await anon.get(f"{PUBLIC}/not-a-token")).status_code == 404
    bad = await alice.post(f"{BOARDS}/{board_id}/links", json={"name": "", "expires_in_days": 0})
    assert bad.status_code == 422 and {e["path"].split(".")[-1] for e in bad.json()["errors"]} >= {"name", "expires_in_days"}


async def test_a_link_closes_when_its_sharer_leaves_or_the_board_is_unshared(world, anon):
    admin, alice = world["admin"], world["clients"]["alice"]
    board_id = await _board(admin)
    link = (await alice.post(f"{BOARDS}/{board_id}/links", json={"name": "Partner"})).json()
    assert (await anon.get(f"{PUBLIC}/{link['token']}")).status_code == 200
    unshared = await admin.put(f"{BOARDS}/{board_id}", json={"name": "Sales", "definition": board(),
                                                              "share": {"roles": ["finance"]}, "version": 1})
    assert unshared.status_code == 200, unshared.text
    assert (await anon.get(f"{PUBLIC}/{link['token']}")).status_code == 404
    reshared = await admin.put(f"{BOARDS}/{board_id}", json={"name": "Sales", "definition": board(),
                                                              "share": {"roles": ["rep"]}, "version": 2})
    assert reshared.status_code == 200
    assert (await anon.get(f"{PUBLIC}/{link['token']}")).status_code == 200
    left = await admin.patch(f"/api/admin/users/{world['users']['alice']['id']}", json={"is_active": False})
    assert left.status_code == 200, left.text
    assert (await anon.get(f"{PUBLIC}/{link['token']}")).status_code == 404


async def test_a_link_applies_the_filters_it_was_made_with(world, anon):
    admin = world["admin"]
    board_id = await _board(admin)
    period = {"start": "2024-02-01", "end": "2024-02-29"}
    link = (await admin.post(f"{BOARDS}/{board_id}/links", json={"name": "February", "filters": {"period": period}})).json()
    assert link["filters"] == {"period": period}
    other = json.dumps({"period": {"start": "2024-01-01", "end": "2024-12-31"}})
    seen = _widgets(await anon.get(f"{PUBLIC}/{link['token']}/data", params={"filters": other}))
    assert by(seen["by_stage"]["data"]["rows"], "stage", "deals") == {"lead": 1, "won": 1}  # d2 and d3 only


async def test_a_widget_drills_with_the_boards_filters_then_into_records_but_not_through_a_link(world, anon):
    admin = world["admin"]
    board_id = await _board(admin)
    filters = {"period": {"start": "2024-01-01", "end": "2024-02-15"}}
    first = await admin.post(f"{BOARDS}/{board_id}/drill", json={
        "widget": "by_quarter", "filters": filters, "path": [{"signed_on": "2024-01-01"}]})
    assert first.status_code == 200, first.text
    step = first.json()
    assert step["kind"] == "report" and step["depth"] == 1
    # The board's filter holds at the next level: February's d3 (20th) is outside it.
    assert by(step["data"]["rows"], "signed_on", "deals") == {"2024-01-01": 2, "2024-02-01": 1}
    last = await admin.post(f"{BOARDS}/{board_id}/drill", json={
        "widget": "by_quarter", "filters": filters, "path": [{"signed_on": "2024-01-01"}, {"signed_on": "2024-02-01"}]})
    answer = last.json()
    assert answer["kind"] == "records" and answer["form"] == "deals"
    listed = await admin.post(f"/api/apps/{APP}/forms/deals/records/query", json={"filter": answer["filter"]})
    assert {r["id"] for r in listed.json()["items"]} == {world["ids"]["d2"]}

    unknown = await admin.post(f"{BOARDS}/{board_id}/drill", json={"widget": "latest", "path": [{"x": 1}]})
    assert unknown.status_code == 404
    bad = await admin.post(f"{BOARDS}/{board_id}/drill", json={"widget": "by_quarter", "path": [{"nope": 1}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "values.nope"

    link = (await admin.post(f"{BOARDS}/{board_id}/links", json={"name": "Wall"})).json()
    public = await anon.post(f"{PUBLIC}/{link['token']}/drill", json={"widget": "by_quarter",
                                                                      "path": [{"signed_on": "2024-01-01"}]})
    assert public.status_code == 200, public.text
    assert by(public.json()["data"]["rows"], "signed_on", "deals")["2024-02-01"] == 2
    records = await anon.post(f"{PUBLIC}/{link['token']}/drill", json={
        "widget": "by_quarter", "path": [{"signed_on": "2024-01-01"}, {"signed_on": "2024-02-01"}]})
    assert records.status_code == 422 and records.json()["errors"][0]["code"] == "no_level"


async def test_export_without_a_browser_says_what_to_install(world, monkeypatch):
    from runtime.reports import snapshot

    admin = world["admin"]
    board_id = await _board(admin)
    monkeypatch.setattr(snapshot.shutil, "which", lambda name: None)
    response = await admin.get(f"{BOARDS}/{board_id}/export", params={"format": "pdf"})
    assert response.status_code == 503 and "chromium" in response.json()["detail"]
    assert response.json()["detail_zh"]
    assert (await admin.get(f"{BOARDS}/{board_id}/export", params={"format": "gif"})).status_code == 422
