"""The reports API: the chart catalogue, running definitions with names for people and options,
saving with positioned errors, versions, drill-down, exports, caching and time limits."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from tests.api.test_reports_world import APP, by, report, world  # noqa: F401  (world is a fixture)

RUN = f"/api/apps/{APP}/reports/run"
REPORTS = f"/api/apps/{APP}/reports"


async def test_the_chart_catalogue_names_every_type_in_both_languages_with_its_settings_schema(client):
    response = await client.get("/api/chart-types")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) >= 24
    types = {i["type"] for i in items}
    assert {"column", "funnel", "kpi", "leaderboard", "pivot_table", "china_map", "sankey", "tree"} <= types
    for item in items:
        assert item["label"]["zh-CN"] and item["label"]["en"] and item["description"]["en"]
        assert item["settings_schema"]["type"] == "object"
        assert "number_format" in item["settings_schema"]["properties"]
        assert item["dimensions"]["min"] <= item["dimensions"]["max"]


async def test_a_report_groups_in_the_database_and_names_people_and_options(world):
    admin = world["admin"]
    definition = report(dimensions=[{"field": "stage"}, {"field": "owner_id"}])
    response = await admin.post(RUN, json={"definition": definition})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["key"] for c in body["columns"]] == ["stage", "owner_id", "deals", "amount"]
    won = {(r["owner_id"], r["deals"], r["amount"]) for r in body["rows"] if r["stage"] == "won"}
    users = world["users"]
    assert won == {(users["alice"]["id"], 1, 100.0), (users["bob"]["id"], 1, 300.0), (users["dave"]["id"], 1, 500.0)}
    assert body["labels"]["owner_id"][str(users["bob"]["id"])] == "Bob Li"
    assert body["truncated"] is False and body["option"]["series"]


async def test_saving_refuses_bad_definitions_with_the_path_of_each_problem(world):
    admin = world["admin"]
    cases = [
        (report(measures=[{"key": "x", "agg": "sum", "field": "title"}]), "definition.measures.0.agg", "not_numeric"),
        (report(dimensions=[{"field": "nope"}]), "definition.dimensions.0.field", "unknown_field"),
        (report(measures=[{"key": "x", "formula": "SUM(amount) + title"}]), "definition.measures.0.formula", "operand_types"),
        (report(measures=[{"key": "x", "formula": "amount * 2"}]), "definition.measures.0.formula", "not_aggregated"),
        (report(chart={"type": "pie"}), "definition.measures", "chart_shape"),
        (report(chart={"type": "column", "settings": {"colors": ["red"]}}), "definition.chart.settings.colors.0", "bad_setting"),
        (report(dataset={"form": "deals", "filter": {"field": "stage", "op": "gt", "value": "won"}}),
         "definition.dataset.filter.op", "unknown_operator"),
        (report(measures=[{"key": "x", "formula": 'LEN(JOIN(title, ","))'}]), "definition.measures.0.formula", "no_sql"),
        ({**report(), "dataset": {"form": "customers", "joins": [{"alias": "deals", "form": "deals", "via": "customer"}]},
          "dimensions": [{"field": "region"}], "measures": [{"key": "x", "agg": "sum", "field": "deals.amount"},
                                                            {"key": "y", "agg": "count"}]}, None, None),
    ]
    for definition, path, code in cases:
        response = await admin.post(REPORTS, json={"name": "Bad", "definition": definition})
        if path is None:  # the to-many join's own fields sum fine
            assert response.status_code == 201, response.text
            continue
        assert response.status_code == 422, (definition, response.text)
        problem = response.json()
        assert problem["detail_zh"]
        assert any(e["path"] == path and e["code"] == code for e in problem["errors"]), problem["errors"]
        assert all(e.get("message_zh") for e in problem["errors"])
    positioned = await admin.post(REPORTS, json={"name": "Bad", "definition": report(
        measures=[{"key": "x", "formula": "SUM(amount) + title"}])})
    assert positioned.json()["errors"][0]["position"]["offset"] == 0


async def test_reports_are_saved_in_versions_by_app_administrators_only(world):
    admin, alice = world["admin"], world["clients"]["alice"]
    created = await admin.post(REPORTS, json={"name": "By stage", "definition": report()})
    assert created.status_code == 201, created.text
    saved = created.json()
    assert saved["version"] == 1
    assert (await alice.post(REPORTS, json={"name": "Mine", "definition": report()})).status_code == 403
    assert (await alice.get(REPORTS)).status_code == 403
    changed = await admin.put(f"{REPORTS}/{saved['id']}", json={"name": "Stages", "definition": report(limit=5),
                                                                  "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = await admin.put(f"{REPORTS}/{saved['id']}", json={"name": "Old", "definition": report(), "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    data = await alice.get(f"{REPORTS}/{saved['id']}/data")  # viewers read it through their own scope
    assert data.status_code == 200 and data.json()["version"] == 2
    assert (await admin.delete(f"{REPORTS}/{saved['id']}")).status_code == 204
    assert (await admin.get(f"{REPORTS}/{saved['id']}/data")).status_code == 404


async def test_a_click_drills_one_level_deeper_then_into_the_matching_records(world):
    admin = world["admin"]
    definition = report(dimensions=[{"field": "signed_on", "bucket": "quarter"}],
                        drill=[{"field": "signed_on", "bucket": "month"}])
    first = await admin.post(f"{REPORTS}/drill", json={"definition": definition, "values": {"signed_on": "2024-01-01"}})
    assert first.status_code == 200, first.text
    step = first.json()
    assert step["kind"] == "report"
    assert by(step["data"]["rows"], "signed_on", "deals") == {"2024-01-01": 2, "2024-02-01": 2, "2024-03-01": 2}
    second = await admin.post(f"{REPORTS}/drill", json={"definition": step["definition"],
                                                        "values": {"signed_on": "2024-02-01"}})
    answer = second.json()
    assert answer["kind"] == "records" and answer["form"] == "deals" and answer["unapplied"] == []
    listed = await admin.post(f"/api/apps/{APP}/forms/deals/records/query", json={"filter": answer["filter"]})
    assert listed.status_code == 200, listed.text
    assert {r["id"] for r in listed.json()["items"]} == {world["ids"]["d2"], world["ids"]["d3"]}


async def test_exports_carry_the_result_and_no_formula_survives(world):
    admin = world["admin"]
    definition = report(dimensions=[{"field": "title"}])
    csv_file = await admin.post(f"{REPORTS}/export", json={"definition": definition, "format": "csv"})
    assert csv_file.status_code == 200, csv_file.text
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0][0] == "title" and len(rows) == 7  # the zh-CN label (the admin reads Chinese)
    assert "'=HYPERLINK(\"x\")" in [r[0] for r in rows]
    xlsx = await admin.post(f"{REPORTS}/export", json={"definition": definition, "format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" and c.hyperlink is None for c in cells)
    assert '=HYPERLINK("x")' in [c.value for c in cells]
    alice = world["clients"]["alice"]  # no export action on deals
    assert (await alice.post(f"{REPORTS}/export", json={"definition": definition, "format": "csv"})).status_code == 403


async def test_results_are_cached_until_a_table_changes(world):
    admin = world["admin"]
    first = (await admin.post(RUN, json={"definition": report()})).json()
    again = (await admin.post(RUN, json={"definition": report()})).json()
    assert first["cached"] is False and again["cached"] is True and again["rows"] == first["rows"]
    fresh = (await admin.post(RUN, json={"definition": report(), "fresh": True})).json()
    assert fresh["cached"] is False
    created = await admin.post(f"/api/apps/{APP}/forms/deals/records", json={"title": "New", "stage": "won", "amount": "7"})
    assert created.status_code == 201
    after = (await admin.post(RUN, json={"definition": report()})).json()
    assert after["cached"] is False
    assert by(after["rows"], "stage", "deals")["won"] == by(first["rows"], "stage", "deals")["won"] + 1


async def test_a_slow_report_is_stopped_with_a_clear_problem_in_both_languages(world, monkeypatch):
    from runtime.reports import router as reports_router

    admin = world["admin"]
    monkeypatch.setattr(reports_router, "timeout_of", lambda request: 0.05)  # QIQIAO_REPORT_TIMEOUT_SECONDS
    # A formula measure over a self-join of every payment with every deal many times: slow enough.
    slow = report(dataset={"form": "deals", "where": [{"field": "amount", "op": "gte", "value": 0}]},
                  measures=[{"key": "x", "formula": "SUM(amount)"}])
    from runtime.reports import repository

    real_fetch = repository.fetch

    async def heavy(conn, statement, timeout):
        from sqlalchemy import text

        burn = "SELECT count(*) FROM generate_series(1, 100000000)" if conn.dialect.name == "postgresql" else \
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n"
        return await real_fetch(conn, text(burn), timeout)

    monkeypatch.setattr(repository, "fetch", heavy)
    response = await admin.post(RUN, json={"definition": slow, "fresh": True})
    assert response.status_code == 504, response.text
    problem = response.json()
    assert problem["code"] == "report_timeout" and "stopped" in problem["detail"] and "停止" in problem["detail_zh"]
    monkeypatch.setattr(repository, "fetch", real_fetch)
    assert (await admin.post(RUN, json={"definition": report(), "fresh": True})).status_code == 200


async def test_a_chart_on_a_record_page_reads_only_that_records_related_rows(world):
    admin, alice = world["admin"], world["clients"]["alice"]
    acme = world["customers"][0]
    scoped = {"definition": report(), "for_record": {"field": "customer", "id": acme}}
    response = await admin.post(RUN, json=scoped)
    assert response.status_code == 200, response.text
    assert sum(r["deals"] for r in response.json()["rows"]) == 3  # d1, d3, d6
    assert by(response.json()["rows"], "stage", "deals") == {"won": 2, "lead": 1}
    mine = (await alice.post(RUN, json=scoped)).json()  # alice owns only d1 of them
    assert by(mine["rows"], "stage", "deals") == {"won": 1}
    missing = await admin.post(RUN, json={**scoped, "for_record": {"field": "customer", "id": 99999}})
    assert missing.status_code == 404
    not_link = await admin.post(RUN, json={**scoped, "for_record": {"field": "title", "id": acme}})
    assert not_link.status_code == 422 and not_link.json()["errors"][0]["path"] == "for_record.field"


async def test_saved_report_data_takes_extra_conditions_as_a_query_parameter(world):
    admin = world["admin"]
    saved = (await admin.post(REPORTS, json={"name": "By stage", "definition": report()})).json()
    params = json.dumps({"where": [{"field": "stage", "op": "in", "value": ["won"]}],
                         "date_range": {"field": "signed_on", "start": "2024-02-01", "end": "2024-03-31"}})
    response = await admin.get(f"{REPORTS}/{saved['id']}/data", params={"params": params})
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [{"stage": "won", "deals": 2, "amount": 800.0}]
    bad = await admin.get(f"{REPORTS}/{saved['id']}/data", params={"params": "{"})
    assert bad.status_code == 422


@pytest.mark.parametrize("locale_user", ["admin"])
async def test_calculated_measures_and_post_processing_run_through_the_api(world, locale_user):
    admin = world["admin"]
    definition = report(
        dimensions=[{"field": "signed_on", "bucket": "month"}],
        measures=[{"key": "deals", "agg": "count"}, {"key": "amount", "agg": "sum", "field": "amount"},
                  {"key": "avg_deal", "formula": "amount / deals"}, {"key": "won", "formula": 'COUNTIF(stage = "won")'}],
        post=[{"type": "running_total", "measure": "amount"}, {"type": "percent_of_total", "measure": "amount"}],
        chart={"type": "line"},
    )
    response = await admin.post(RUN, json={"definition": definition})
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [r["amount_running"] for r in rows] == [150.0, 650.0, 1550.0]
    assert rows[1]["won"] == 1 and rows[1]["avg_deal"] == 250.0
    assert abs(sum(r["amount_pct"] for r in rows) - 1) < 1e-9


async def test_a_single_select_dimension_comes_in_the_forms_order_of_choices(world):
    rows = (await world["admin"].post(f"/api/apps/{APP}/reports/run", json={"definition": report()})).json()["rows"]
    assert [r["stage"] for r in rows] == ["lead", "won", "lost"]  # as the form lists them, not alphabetically
    by_count = report(sort=[{"key": "deals", "descending": True}])
    assert [r["deals"] for r in (await world["admin"].post(f"/api/apps/{APP}/reports/run",
                                                             json={"definition": by_count})).json()["rows"]] == [3, 2, 1]
