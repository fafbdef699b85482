"""Records of a published form through the API: CRUD, lists, locking, history, trash, bulk."""

from __future__ import annotations

import json

import pytest

from tests.factories.forms import choices, field, make_form, publish_form

DEALS = make_form(
    "deals",
    [
        field("title", required=True, unique=True),
        field("amount", "money"),
        field("stage", "single_select", options=choices("lead", "won", "lost")),
        field("tags", "multi_select", options=choices("vip", "gov", "new")),
        field("signed_on", "date"),
        field("items", "subform", fields=[field("product"), field("qty", "number", options={"precision": 0})]),
    ],
    title_field="title",
)
URL = "/api/apps/crm/forms/deals/records"


@pytest.fixture
async def deals(client):
    await publish_form(client, "crm", DEALS)
    return client


async def _create(client, **values):
    response = await client.post(URL, json=values)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_read_update_with_exact_money_and_subform(deals):
    created = await _create(deals, title="Metro rail", amount="1234567.89", stage="lead", tags=["gov"],
                            signed_on="2024-05-31", items=[{"product": "Signal", "qty": 3}])
    assert created["amount"] == "1234567.89" and created["version"] == 1
    assert created["items"] == [{"id": created["items"][0]["id"], "product": "Signal", "qty": "3"}]
    fetched = (await deals.get(f"{URL}/{created['id']}")).json()
    assert fetched == created
    updated = await deals.patch(f"{URL}/{created['id']}", json={"version": 1, "stage": "won"})
    assert updated.status_code == 200 and updated.json()["stage"] == "won" and updated.json()["version"] == 2


async def test_stale_version_gets_409_with_the_current_record(deals):
    record = await _create(deals, title="A")
    await deals.patch(f"{URL}/{record['id']}", json={"version": 1, "amount": "10"})
    stale = await deals.patch(f"{URL}/{record['id']}", json={"version": 1, "amount": "20"})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["current"]["amount"] == "10.00"
    assert (await deals.get(f"{URL}/{record['id']}")).json()["amount"] == "10.00"
    missing = await deals.patch(f"{URL}/{record['id']}", json={"amount": "30"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "version"


async def test_bad_values_are_named_and_nothing_is_written(deals):
    response = await deals.post(URL, json={"amount": "abc", "stage": "maybe", "bogus": 1, "items": [{"qty": "x"}]})
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"amount", "stage", "bogus", "items.0.qty", "title"}
    assert (await deals.get(URL, params={"count": "true"})).json()["total"] == 0


async def test_unique_field_refuses_duplicates(deals):
    await _create(deals, title="Same")
    dup = await deals.post(URL, json={"title": "Same"})
    assert dup.status_code == 409 and dup.json()["errors"][0]["path"] == "title"


async def test_draft_skips_required_until_submitted(deals):
    draft = await deals.post(URL + "?draft=true", json={"amount": "5"})
    assert draft.status_code == 201 and draft.json()["draft"] is True
    record = draft.json()
    refused = await deals.patch(f"{URL}/{record['id']}", json={"version": 1, "draft": False})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "title"
    done = await deals.patch(f"{URL}/{record['id']}", json={"version": 1, "draft": False, "title": "Now complete"})
    assert done.status_code == 200 and done.json()["draft"] is False


async def test_list_filters_sorts_searches_and_pages(deals):
    for i, (stage, amount, tags) in enumerate(
        [("lead", "100", ["vip"]), ("won", "500", ["gov", "vip"]), ("won", "300", []), ("lost", None, ["new"])]
    ):
        await _create(deals, title=f"Deal {i} alpha" if i % 2 else f"Deal {i}", stage=stage, amount=amount, tags=tags)
    won = (await deals.get(URL, params={"filter": json.dumps({"field": "stage", "op": "eq", "value": "won"}),
                                         "sort": "-amount"})).json()
    assert [r["amount"] for r in won["items"]] == ["500.00", "300.00"]
    nested = {"or": [{"field": "amount", "op": "gte", "value": 400}, {"field": "tags", "op": "has_any", "value": ["new"]}]}
    got = (await deals.post(URL + "/query", json={"filter": nested, "sort": ["title"]})).json()
    assert [r["title"] for r in got["items"]] == ["Deal 1 alpha", "Deal 3 alpha"]
    assert (await deals.get(URL, params={"search": "ALPHA", "count": "true"})).json()["total"] == 2
    empty_amount = {"field": "amount", "op": "empty"}
    assert len((await deals.post(URL + "/query", json={"filter": empty_amount})).json()["items"]) == 1
    page1 = (await deals.get(URL, params={"sort": "amount", "limit": 2})).json()
    page2 = (await deals.get(URL, params={"sort": "amount", "limit": 2, "cursor": page1["next_cursor"]})).json()
    amounts = [r["amount"] for r in page1["items"] + page2["items"]]
    # NULLs sort as the lowest value: first ascending, last descending (the indexes' order).
    assert amounts == [None, "100.00", "300.00", "500.00"] and page2["has_more"] is False
    by_page = (await deals.get(URL, params={"sort": "amount", "limit": 2, "page": 2})).json()
    assert [r["amount"] for r in by_page["items"]] == ["300.00", "500.00"]
    down1 = (await deals.get(URL, params={"sort": "-amount", "limit": 3})).json()
    down2 = (await deals.get(URL, params={"sort": "-amount", "limit": 3, "cursor": down1["next_cursor"]})).json()
    assert [r["amount"] for r in down1["items"] + down2["items"]] == ["500.00", "300.00", "100.00", None]


@pytest.mark.parametrize(
    "query",
    [
        {"filter": {"field": "nope", "op": "eq", "value": 1}},
        {"filter": {"field": "amount", "op": "drop table", "value": 1}},
        {"filter": {"field": "amount", "op": "gt", "value": "1; DROP TABLE users"}},
        {"filter": {"and": [{"field": "title", "op": "eq"}] * 60}},
        {"sort": ["tags"]},
        {"sort": ["title; drop"]},
        {"fields": ["secret"]},
    ],
)
async def test_bad_queries_are_422_never_500(deals, query):
    response = await deals.post(URL + "/query", json=query)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["path"]


async def test_history_trash_restore_and_purge(deals):
    record = await _create(deals, title="Keep me", amount="1")
    await deals.patch(f"{URL}/{record['id']}", json={"version": 1, "amount": "2"})
    history = (await deals.get(f"{URL}/{record['id']}/history")).json()["items"]
    assert [h["op"] for h in history] == ["update", "create"]
    assert history[0]["changes"] == {"amount": ["1.00", "2.00"]}
    assert (await deals.delete(f"{URL}/{record['id']}")).status_code == 204
    assert (await deals.get(f"{URL}/{record['id']}")).status_code == 404
    trash = (await deals.get(URL, params={"trash": "true"})).json()["items"]
    assert [r["id"] for r in trash] == [record["id"]]
    assert (await deals.post(URL + "/restore", json={"ids": [record["id"]]})).json()["restored"] == [record["id"]]
    assert (await deals.get(f"{URL}/{record['id']}")).status_code == 200
    await deals.delete(f"{URL}/{record['id']}")
    assert (await deals.post(URL + "/purge", json={"ids": [record["id"]]})).json()["purged"] == [record["id"]]
    assert (await deals.get(URL, params={"trash": "true"})).json()["items"] == []


async def test_bulk_is_one_transaction_with_per_row_errors(deals):
    bad = await deals.post(URL + "/bulk", json={"items": [{"title": "ok"}, {"title": "x", "amount": "nope"}, {}]})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"1.amount", "2.title"}
    assert (await deals.get(URL, params={"count": "true"})).json()["total"] == 0
    good = await deals.post(URL + "/bulk", json={"items": [{"title": f"B{i}", "amount": i} for i in range(50)]})
    assert good.status_code == 201 and good.json()["created"] == 50
    first = (await deals.get(URL, params={"sort": "id", "limit": 2})).json()["items"]
    updated = await deals.patch(URL + "/bulk", json={"items": [
        {"id": first[0]["id"], "version": 1, "values": {"stage": "won"}},
        {"id": first[1]["id"], "version": 7, "values": {"stage": "won"}},
    ]})
    assert updated.status_code == 409
    assert (await deals.get(f"{URL}/{first[0]['id']}")).json()["stage"] is None
    deleted = await deals.post(URL + "/bulk-delete", json={"ids": [first[0]["id"], first[1]["id"], 999999]})
    assert sorted(deleted.json()["deleted"]) == sorted([first[0]["id"], first[1]["id"]])


async def test_forms_of_other_apps_and_unknown_ids_are_404(deals, make_user, login):
    assert (await deals.get("/api/apps/nope/forms/deals/records")).status_code == 404
    assert (await deals.get(f"{URL}/424242")).status_code == 404
    await make_user("outsider", "outsider-Pa55")
    outsider = await login("outsider", "outsider-Pa55")
    record = await _create(deals, title="Secret deal")
    assert (await outsider.get(URL)).status_code == 404
    assert (await outsider.get(f"{URL}/{record['id']}")).status_code == 404
    assert (await outsider.post(URL, json={"title": "x"})).status_code == 404


async def test_bulk_ids_follow_the_input_order_across_batches(deals):
    items = [{"title": f"T{i:05d}", "amount": i} for i in range(2500)]
    created = (await deals.post(URL + "/bulk", json={"items": items})).json()
    assert created["created"] == 2500 and created["ids"] == sorted(created["ids"])
    page = (await deals.post(URL + "/query", json={"sort": ["id"], "limit": 500, "page": 4})).json()["items"]
    assert [r["title"] for r in page] == [f"T{i:05d}" for i in range(1500, 2000)]
    history = (await deals.get(f"{URL}/{created['ids'][1234]}/history")).json()["items"]
    assert history[0]["changes"]["title"] == [None, "T01234"]


async def test_bulk_keeps_fields_only_later_items_give(deals):
    items = [{"title": "first"}, {"title": "second", "amount": "5", "stage": "won"}, {"title": "third", "signed_on": "2024-05-31"}]
    created = (await deals.post(URL + "/bulk", json={"items": items})).json()
    got = [(await deals.get(f"{URL}/{record_id}")).json() for record_id in created["ids"]]
    assert [(r["title"], r["amount"], r["stage"], r["signed_on"]) for r in got] == [
        ("first", None, None, None), ("second", "5.00", "won", None), ("third", None, None, "2024-05-31")]


async def test_expression_filters_run_in_the_database(deals):
    for i, (stage, amount) in enumerate([("won", "600000"), ("won", "100"), ("lead", "900000")]):
        await _create(deals, title=f"E{i}", stage=stage, amount=amount, items=[{"product": "p", "qty": i + 1}])
    query = {"and": [{"expr": 'amount > 500000 AND stage = "won"'}, {"field": "title", "op": "starts_with", "value": "E"}]}
    got = (await deals.post(URL + "/query", json={"filter": query})).json()["items"]
    assert [r["title"] for r in got] == ["E0"]
    rows = (await deals.post(URL + "/query", json={"filter": {"expr": "SUM(items.qty) >= 2"}, "sort": ["title"]})).json()
    assert [r["title"] for r in rows["items"]] == ["E1", "E2"]
    bad = await deals.post(URL + "/query", json={"filter": {"expr": "amount + title > 1"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "filter.expr"
    assert bad.json()["errors"][0]["position"]["column"] >= 1
