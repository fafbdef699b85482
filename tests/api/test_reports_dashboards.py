"""Dashboards: a grid of widgets shared with app roles, global filters wired to the widgets they
apply to, rich text stored sanitized, and each reader's own scope in every widget."""

from __future__ import annotations

import json

from tests.api.test_reports_world import APP, by, report, world  # noqa: F401  (world is a fixture)

BOARDS = f"/api/apps/{APP}/dashboards"


def board(report_id: int) -> dict:
    return {
        "widgets": [
            {"id": "by_stage", "kind": "report", "report_id": report_id, "grid": {"x": 0, "y": 0, "w": 6, "h": 4}},
            {"id": "total", "kind": "report", "report": {
                "dataset": {"form": "deals"}, "measures": [{"key": "amount", "agg": "sum", "field": "amount"}],
                "chart": {"type": "kpi", "settings": {"number_format": {"style": "wan"}}}}},
            {"id": "latest", "kind": "records", "form": "deals", "fields": ["title", "stage"], "limit": 3},
            {"id": "note", "kind": "text", "html": "<p onclick=\"x()\">Hi<script>alert(1)</script></p>"},
        ],
        "filters": [
            {"key": "period", "kind": "date_range", "targets": [{"widget": "by_stage", "field": "signed_on"},
                                                                {"widget": "total", "field": "signed_on"}]},
            {"key": "who", "kind": "owner"},
        ],
    }


async def _saved_report(admin) -> int:
    response = await admin.post(f"/api/apps/{APP}/reports", json={"name": "By stage", "definition": report()})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_dashboard_is_saved_sanitized_shared_with_roles_and_read_in_each_scope(world):
    admin, alice, bob = world["admin"], world["clients"]["alice"], world["clients"]["bob"]
    created = await admin.post(BOARDS, json={"name": "Sales", "definition": board(await _saved_report(admin)),
                                             "share": {"roles": ["rep"]}, "is_home": True})
    assert created.status_code == 201, created.text
    saved = created.json()
    text = next(w for w in saved["definition"]["widgets"] if w["id"] == "note")["html"]
    assert "script" not in text and "onclick" not in text and "Hi" in text
    assert (await alice.post(BOARDS, json={"name": "Mine", "definition": board(1)})).status_code == 403

    assert [d["id"] for d in (await alice.get(BOARDS)).json()["items"]] == [saved["id"]]
    assert (await bob.get(BOARDS)).json()["items"] == []
    assert (await bob.get(f"{BOARDS}/{saved['id']}")).status_code == 404
    assert (await bob.get(f"{BOARDS}/{saved['id']}/data")).status_code == 404

    data = (await alice.get(f"{BOARDS}/{saved['id']}/data")).json()
    widgets = {w["id"]: w for w in data["widgets"]}
    assert by(widgets["by_stage"]["data"]["rows"], "stage", "deals") == {"won": 1, "lead": 1}
    assert widgets["total"]["data"]["option"]["qq"]["kpi"]["value"] == 300.0
    assert {r["title"] for r in widgets["latest"]["records"]["items"]} == {"Deal d1", "Deal d2"}
    assert [f["key"] for f in widgets["latest"]["records"]["fields"]] == ["title", "stage"]
    assert widgets["latest"]["records"]["fields"][1]["choices"][0]["value"] == "lead"
    assert widgets["note"]["html"] == text

    everything = (await admin.get(f"{BOARDS}/{saved['id']}/data")).json()
    total = next(w for w in everything["widgets"] if w["id"] == "total")["data"]["option"]["qq"]["kpi"]
    assert total["value"] == 1550.0


async def test_global_filters_apply_to_the_widgets_they_are_wired_to(world):
    admin = world["admin"]
    saved = (await admin.post(BOARDS, json={"name": "Sales", "definition": board(await _saved_report(admin))})).json()
    filters = {"period": {"start": "2024-02-01", "end": "2024-03-31"}, "who": [world["users"]["bob"]["id"]]}
    data = (await admin.get(f"{BOARDS}/{saved['id']}/data", params={"filters": json.dumps(filters)})).json()
    widgets = {w["id"]: w for w in data["widgets"]}
    assert by(widgets["by_stage"]["data"]["rows"], "stage", "deals") == {"won": 1}  # bob's d3 in Feb–Mar
    assert widgets["total"]["data"]["option"]["qq"]["kpi"]["value"] == 300.0
    assert "error" not in widgets["latest"]
    bad = await admin.get(f"{BOARDS}/{saved['id']}/data", params={"filters": "[1]"})
    assert bad.status_code == 422


async def test_saving_a_board_refuses_what_a_shared_role_may_not_read(world):
    admin = world["admin"]
    definition = {"widgets": [{"id": "cost", "kind": "report", "report": report(
        measures=[{"key": "cost", "agg": "sum", "field": "cost"}])}]}
    refused = await admin.post(BOARDS, json={"name": "Costs", "definition": definition, "share": {"roles": ["rep"]}})
    assert refused.status_code == 422, refused.text
    error = refused.json()["errors"][0]
    assert error["code"] == "hidden_for_role" and error["path"] == "definition.widgets.0.report.measures.0.field"
    assert "rep" in error["message"] and error["message_zh"]
    allowed = await admin.post(BOARDS, json={"name": "Costs", "definition": definition, "share": {"roles": ["finance"]}})
    assert allowed.status_code == 201, allowed.text
    unknown = await admin.post(BOARDS, json={"name": "X", "definition": definition, "share": {"roles": ["ghosts"]}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "share.roles.0"
    missing = await admin.post(BOARDS, json={"name": "X", "definition": {"widgets": [
        {"id": "a", "kind": "report", "report_id": 424242}]}})
    assert missing.status_code == 422 and missing.json()["errors"][0]["code"] == "unknown_report"


async def test_a_widget_the_reader_cannot_see_carries_its_problem_and_the_rest_still_show(world):
    admin, alice = world["admin"], world["clients"]["alice"]
    definition = {"widgets": [
        {"id": "cost", "kind": "report", "report": report(measures=[{"key": "c", "agg": "sum", "field": "cost"}])},
        {"id": "count", "kind": "report", "report": report()},
    ]}
    saved = (await admin.post(BOARDS, json={"name": "Mixed", "definition": definition,
                                            "share": {"everyone": True}})).json()
    widgets = {w["id"]: w for w in (await alice.get(f"{BOARDS}/{saved['id']}/data")).json()["widgets"]}
    assert widgets["cost"]["error"]["status"] == 422 and widgets["cost"]["error"]["errors"][0]["code"] == "unknown_field"
    assert widgets["count"]["data"]["rows"]


async def test_dashboards_are_versioned_and_one_is_the_apps_home(world):
    admin = world["admin"]
    first = (await admin.post(BOARDS, json={"name": "A", "definition": {"widgets": []}, "is_home": True})).json()
    second = (await admin.post(BOARDS, json={"name": "B", "definition": {"widgets": []}, "is_home": True})).json()
    homes = [d["id"] for d in (await admin.get(BOARDS)).json()["items"] if d["is_home"]]
    assert homes == [second["id"]]
    changed = await admin.put(f"{BOARDS}/{first['id']}", json={"name": "A2", "definition": {"widgets": []}, "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = await admin.put(f"{BOARDS}/{first['id']}", json={"name": "A3", "definition": {"widgets": []}, "version": 1})
    assert stale.status_code == 409
    assert (await admin.delete(f"{BOARDS}/{first['id']}")).status_code == 204
    assert (await admin.get(f"{BOARDS}/{first['id']}")).status_code == 404


async def test_a_widget_stopped_by_the_time_limit_does_not_stop_the_others(world, monkeypatch):
    from sqlalchemy import text

    from runtime.reports import repository, router as reports_router

    admin = world["admin"]
    definition = {"widgets": [{"id": "slow", "kind": "report", "report": report()},
                              {"id": "fast", "kind": "report", "report": report(dimensions=[{"field": "owner_id"}])}]}
    saved = (await admin.post(BOARDS, json={"name": "Two", "definition": definition})).json()
    real_fetch, calls = repository.fetch, []

    async def first_is_slow(conn, statement, timeout):
        calls.append(1)
        if len(calls) == 1:
            burn = "SELECT count(*) FROM generate_series(1, 100000000)" if conn.dialect.name == "postgresql" else \
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n"
            return await real_fetch(conn, text(burn), timeout)
        return await real_fetch(conn, statement, timeout)

    monkeypatch.setattr(reports_router, "timeout_of", lambda request: 0.05)  # QIQIAO_REPORT_TIMEOUT_SECONDS
    monkeypatch.setattr(repository, "fetch", first_is_slow)
    response = await admin.get(f"{BOARDS}/{saved['id']}/data", params={"fresh": "true"})
    assert response.status_code == 200, response.text
    widgets = {w["id"]: w for w in response.json()["widgets"]}
    assert widgets["slow"]["error"]["status"] == 504 and widgets["slow"]["error"]["code"] == "report_timeout"
    assert len(widgets["fast"]["data"]["rows"]) == 4
