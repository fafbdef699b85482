"""What integrators lean on: a retried create under one Idempotency-Key never makes a second record,
and an API token is held to its request rate (429 with Retry-After)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from sqlalchemy import func, select

from tests.conftest import make_client
from tests.factories.forms import field, make_form, publish_form

RECORDS = "/api/apps/erp/forms/items/records"


@asynccontextmanager
async def token_client(app, client, **token):
    made = await client.post("/api/auth/tokens", json={"name": "ERP", "expires_in_days": 1, **token})
    assert made.status_code == 201, made.text
    async with make_client(app) as api:
        api.headers["Authorization"] = f"Bearer {made.json()['token']}"
        yield api


async def _setup(client) -> None:
    await publish_form(client, "erp", make_form("items", [field("sku", required=True), field("qty", "number")]))


async def _count(app) -> int:
    from runtime.forms.loader import load_form

    async with app.state.db.transaction(write=False) as conn:
        table = (await load_form(conn, "erp", "items")).compiled.table
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_retried_create_under_one_key_makes_one_record(app, client):
    await _setup(client)
    async with token_client(app, client) as api:
        headers = {"Idempotency-Key": "order-2026-0001"}
        first = await api.post(RECORDS, json={"sku": "A-1", "qty": 2}, headers=headers)
        assert first.status_code == 201, first.text
        again = await api.post(RECORDS, json={"sku": "A-1", "qty": 2}, headers=headers)
        assert again.status_code == 201 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
        assert await _count(app) == 1

        other = await api.post(RECORDS, json={"sku": "A-2"}, headers=headers)
        assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
        bad = await api.post(RECORDS, json={"sku": "A-3"}, headers={"Idempotency-Key": "has space"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "headers.Idempotency-Key"

        # A refused create keeps nothing under its key: the corrected retry goes through.
        refused = await api.post(RECORDS, json={"qty": 1}, headers={"Idempotency-Key": "k2"})
        assert refused.status_code == 422
        fixed = await api.post(RECORDS, json={"sku": "B", "qty": 1}, headers={"Idempotency-Key": "k2"})
        assert fixed.status_code == 201, fixed.text
    async with token_client(app, client) as other_token:  # keys belong to the token that sent them
        assert (await other_token.post(RECORDS, json={"sku": "A-1", "qty": 2}, headers=headers)).status_code == 201
    assert await _count(app) == 3


async def test_two_racing_requests_with_one_key_make_one_record(app, client):
    await _setup(client)
    async with token_client(app, client) as api:
        answers = await asyncio.gather(*(api.post(RECORDS, json={"sku": "R", "qty": 1},
                                                  headers={"Idempotency-Key": "race"}) for _ in range(4)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and statuses[0] == 201, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert await _count(app) == 1


async def test_an_api_token_is_held_to_its_rate(app, client):
    await _setup(client)
    async with token_client(app, client, rate_per_minute=3) as slow:
        assert [(await slow.get(RECORDS)).status_code for _ in range(3)] == [200, 200, 200]
        limited = await slow.get(RECORDS)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["code"] == "rate_limited" and limited.json()["detail_zh"]
        async with token_client(app, client) as other:  # each token has its own allowance
            assert (await other.get(RECORDS)).status_code == 200
    assert (await client.get(RECORDS)).status_code == 200  # signed-in people are not API clients
    listed = (await client.get("/api/auth/tokens")).json()["items"]
    assert {t["rate_per_minute"] for t in listed} == {3, None}
    refused = await client.post("/api/auth/tokens", json={"name": "x", "rate_per_minute": 0})
    assert refused.status_code == 422


async def test_an_erp_pushes_customers_by_its_own_key_creating_and_updating_in_one_go(app, client, make_user, login):
    await publish_form(client, "erp", make_form("customers", [
        field("number", unique=True, required=True), field("name", required=True), field("credit", "money")]))
    upsert = "/api/apps/erp/forms/customers/records/upsert"
    first = await client.post(upsert, json={"key": "number", "items": [
        {"number": "C-1", "name": "Acme", "credit": "100"}, {"number": "C-2", "name": "Globex"}]})
    assert first.status_code == 200, first.text
    assert len(first.json()["created"]) == 2 and first.json()["updated"] == []
    second = await client.post(upsert, json={"key": "number", "items": [
        {"number": "C-2", "name": "Globex Ltd"}, {"number": "C-3", "name": "Initech"}]})
    body = second.json()
    assert body["updated"] == [first.json()["ids"][1]] and len(body["created"]) == 1
    listed = (await client.get("/api/apps/erp/forms/customers/records", params={"sort": "number"})).json()["items"]
    assert [(r["number"], r["name"]) for r in listed] == [("C-1", "Acme"), ("C-2", "Globex Ltd"), ("C-3", "Initech")]

    # Problems are named by item and field, and nothing of the batch is kept.
    bad = await client.post(upsert, json={"key": "number", "items": [
        {"number": "C-4", "name": "Fine"}, {"number": "C-5"}, {"number": "C-4", "name": "Twice"}, {"name": "No key"}]})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"items.2.number", "items.3.number"}
    missing = await client.post(upsert, json={"key": "number", "items": [{"number": "C-4", "name": "Fine"},
                                                                          {"number": "C-5"}]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "items.1.name"
    not_unique = await client.post(upsert, json={"key": "name", "items": [{"name": "x"}]})
    assert not_unique.status_code == 422 and not_unique.json()["errors"][0]["path"] == "key"
    assert len((await client.get("/api/apps/erp/forms/customers/records")).json()["items"]) == 3
