"""Charts on a record's page: a saved report marked for the pages of the records its base form links
to shows, on each such page, only the rows linking to that record — in the reader's own scope."""

from __future__ import annotations

from tests.api.test_reports_world import APP, by, report, world  # noqa: F401  (world is a fixture)

REPORTS = f"/api/apps/{APP}/reports"


def charts(record_form: str, record_id: int) -> str:
    return f"/api/apps/{APP}/forms/{record_form}/records/{record_id}/charts"


async def test_a_report_on_deals_shows_on_each_customers_page_with_that_customers_deals(world):
    admin, alice = world["admin"], world["clients"]["alice"]
    made = await admin.post(REPORTS, json={"name": "Deals by stage", "definition": report(
        record_page={"link": "customer", "position": 2})})
    assert made.status_code == 201, made.text
    second = await admin.post(REPORTS, json={"name": "Deal count", "definition": report(
        dimensions=[], measures=[{"key": "deals", "agg": "count"}], chart={"type": "kpi"},
        record_page={"link": "customer", "position": 1})})
    assert second.status_code == 201, second.text
    await admin.post(REPORTS, json={"name": "Not on pages", "definition": report()})
    acme = world["customers"][0]

    shown = await admin.get(charts("customers", acme))
    assert shown.status_code == 200, shown.text
    items = shown.json()["items"]
    assert [i["name"] for i in items] == ["Deal count", "Deals by stage"]  # by position
    assert by(items[1]["data"]["rows"], "stage", "deals") == {"won": 2, "lead": 1}  # d1, d3, d6 link to Acme
    mine = (await alice.get(charts("customers", acme))).json()["items"]
    assert by(mine[1]["data"]["rows"], "stage", "deals") == {"won": 1}  # of those, only d1 is hers

    assert (await admin.get(charts("payments", 1))).json()["items"] == []  # nothing marked for payments
    assert (await admin.get(charts("customers", 999999))).status_code == 404
    assert (await admin.get(charts("nothing", acme))).status_code == 404


async def test_a_record_page_names_a_link_field_of_the_reports_form(world):
    refused = await world["admin"].post(REPORTS, json={"name": "Bad", "definition": report(record_page={"link": "title"})})
    assert refused.status_code == 422, refused.text
    error = refused.json()["errors"][0]
    assert error["path"] == "definition.record_page.link" and error["code"] == "not_a_link" and error["message_zh"]
