"""Reports are read paths: each viewer gets exactly their own data scope on every form a report
reads, and a hidden field is refused exactly like an unknown one, wherever the report names it."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.api.test_reports_world import APP, by, report, world  # noqa: F401  (world is a fixture)

RUN = f"/api/apps/{APP}/reports/run"


async def _listed(c, form: str) -> list[dict]:
    response = await c.get(f"/api/apps/{APP}/forms/{form}/records", params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave"])
async def test_the_same_report_shows_each_viewer_exactly_the_records_they_may_list(world, name):
    c = world["clients"][name]
    response = await c.post(RUN, json={"definition": report()})
    assert response.status_code == 200, response.text
    got = {r["stage"]: (r["deals"], r["amount"]) for r in response.json()["rows"]}
    mine = await _listed(c, "deals")
    counts = Counter(r["stage"] for r in mine)
    sums = Counter()
    for r in mine:
        sums[r["stage"]] += float(r["amount"])
    assert got == {stage: (counts[stage], sums[stage]) for stage in counts}
    expected = {"alice": {"d1", "d2"}, "bob": {"d3", "d4", "d6"}, "carol": {"d3", "d4", "d6"},
                "dave": {"d1", "d2", "d3", "d4", "d5", "d6"}}[name]
    assert {r["id"] for r in mine} == {world["ids"][d] for d in expected}


@pytest.mark.parametrize("where, definition", [
    ("definition.dimensions.0.field", report(dimensions=[{"field": "cost"}])),
    ("definition.measures.0.field", report(measures=[{"key": "c", "agg": "sum", "field": "cost"}])),
    ("definition.measures.0.formula", report(measures=[{"key": "c", "formula": "SUM(cost) / SUM(amount)"}])),
    ("definition.dataset.filter.field", report(dataset={"form": "deals", "filter": {"field": "cost", "op": "gt", "value": 1}})),
    ("definition.dataset.where.0.field", report(dataset={"form": "deals", "where": [{"field": "cost", "op": "eq", "value": 10}]})),
    ("definition.dataset.date_range.field", report(dataset={"form": "deals", "date_range": {"field": "nope", "relative": "this_year"}})),
])
async def test_a_hidden_field_is_refused_like_an_unknown_one_wherever_it_is_named(world, where, definition):
    alice = world["clients"]["alice"]
    response = await alice.post(RUN, json={"definition": definition})
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["path"].startswith(where) and e["code"] == "unknown_field" for e in errors), errors
    named = next(e for e in errors if e["code"] == "unknown_field")
    assert named["message"].startswith("Unknown field") and named["message_zh"].startswith("未知字段")
    dave = world["clients"]["dave"]  # who may read cost runs the same definition
    if "nope" not in str(definition):
        assert (await dave.post(RUN, json={"definition": definition})).status_code == 200


async def test_joined_forms_are_read_through_the_viewers_scope_there_too(world):
    alice, dave = world["clients"]["alice"], world["clients"]["dave"]
    by_region = {
        "dataset": {"form": "customers", "joins": [{"alias": "deals", "form": "deals", "via": "customer"}]},
        "dimensions": [{"field": "region"}],
        "measures": [{"key": "customers", "agg": "count"}, {"key": "deals", "agg": "count", "of": "deals"},
                     {"key": "amount", "agg": "sum", "field": "deals.amount"}],
        "chart": {"type": "table"},
    }
    everyone = (await dave.post(RUN, json={"definition": by_region})).json()["rows"]
    assert by(everyone, "region", "deals") == {"east": 3, "north": 2}  # d5 has no customer
    mine = (await alice.post(RUN, json={"definition": by_region})).json()["rows"]
    assert by(mine, "region", "deals") == {"east": 1, "north": 1}  # her d1 and d2 only
    assert by(mine, "region", "customers") == {"east": 1, "north": 1}  # customers: all visible to her
    assert by(mine, "region", "amount") == {"east": 100.0, "north": 200.0}
    payments = {"dataset": {"form": "payments"}, "dimensions": [{"field": "deal.stage"}],
                "measures": [{"key": "n", "agg": "count"}, {"key": "paid", "agg": "sum", "field": "paid"}],
                "chart": {"type": "table"}}
    seen = (await alice.post(RUN, json={"definition": payments})).json()["rows"]
    # Every payment is hers to see, but the deals behind three of them are not: no stage for those.
    assert by(seen, "deal__stage", "n") == {None: 2, "won": 2}


async def test_a_hidden_link_cannot_be_walked_and_an_invisible_form_does_not_exist(world, make_user, login):
    admin = world["admin"]
    rule = {"actions": ["view"], "data_scope": {"kind": "all"}, "field_rules": {"customer": "hidden"}}
    assert (await admin.put(f"/api/apps/{APP}/forms/deals/permissions/finance", json=rule)).status_code == 200
    dave = world["clients"]["dave"]
    walked = await dave.post(RUN, json={"definition": report(dimensions=[{"field": "customer.region"}])})
    assert walked.status_code == 422 and walked.json()["errors"][0]["code"] == "unknown_field"
    await make_user("eve", "user-Pa55word")
    eve = await login("eve", "user-Pa55word")
    assert (await eve.post(RUN, json={"definition": report()})).status_code == 404
    none = {"actions": []}
    assert (await admin.put(f"/api/apps/{APP}/forms/payments/permissions/rep", json=none)).status_code == 200
    alice = world["clients"]["alice"]
    refused = await alice.post(RUN, json={"definition": {"dataset": {"form": "payments"},
                                                         "measures": [{"key": "n", "agg": "count"}],
                                                         "chart": {"type": "kpi"}}})
    assert refused.status_code == 404


async def test_drilling_into_records_keeps_the_viewers_scope(world):
    alice = world["clients"]["alice"]
    answer = (await alice.post(f"/api/apps/{APP}/reports/drill",
                               json={"definition": report(), "values": {"stage": "won"}})).json()
    assert answer["kind"] == "records"
    listed = await alice.post(f"/api/apps/{APP}/forms/deals/records/query", json={"filter": answer["filter"]})
    assert {r["id"] for r in listed.json()["items"]} == {world["ids"]["d1"]}
