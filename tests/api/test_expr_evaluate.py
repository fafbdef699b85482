"""POST /api/expr/evaluate: a published form's visibility rules and formulas for values being
typed, as the record form asks while a person edits. Only the builder's expressions run; what
the caller may not read neither feeds them nor comes back."""

from __future__ import annotations

import pytest

from tests.factories.forms import choices, field, make_form, publish_form

QUOTES = make_form(
    "quotes",
    [
        field("title", required=True),
        field("kind", "single_select", options=choices("standard", "other")),
        field("other_reason", "textarea", visible_when='kind = "other"', required=True),
        field("amount", "money"),
        field("cost", "money"),
        field("total", "formula", options={"expression": "amount * 2", "precision": 2}),
        field("margin", "formula", options={"expression": "amount - cost", "precision": 2}),
        field("items", "subform", fields=[
            field("qty", "number"),
            field("price", "money"),
            field("line", "formula", options={"expression": "qty * price", "precision": 2}),
        ]),
    ],
)
URL = "/api/expr/evaluate"


@pytest.fixture
async def quotes(client):
    await publish_form(client, "sales", QUOTES)
    return client


async def test_visibility_follows_the_values_given(quotes):
    hidden = await quotes.post(URL, json={"form": "sales.quotes", "values": {"kind": "standard"}})
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["visible"] == {"other_reason": False}
    shown = await quotes.post(URL, json={"form": "sales.quotes", "values": {"kind": "other"}})
    assert shown.json()["visible"] == {"other_reason": True}


async def test_formulas_are_computed_with_their_precision(quotes):
    out = (await quotes.post(URL, json={"form": "sales.quotes", "values": {"amount": "12.5", "cost": "2.25"}})).json()
    assert out["computed"]["total"] == "25.00"
    assert out["computed"]["margin"] == "10.25"


async def test_subform_row_formulas_come_back_per_row(quotes):
    values = {"items": [{"qty": "2", "price": "3.5"}, {"qty": "1"}]}
    out = (await quotes.post(URL, json={"form": "sales.quotes", "values": values})).json()
    assert out["rows"]["items"] == [{"line": "7.00"}, {"line": None}]


async def test_values_that_do_not_parse_yet_count_as_empty(quotes):
    out = await quotes.post(URL, json={"form": "sales.quotes", "values": {"amount": "12.", "kind": "nonsense"}})
    assert out.status_code == 200
    assert out.json()["visible"] == {"other_reason": False}


async def test_unknown_forms_and_bad_names_are_refused(quotes):
    assert (await quotes.post(URL, json={"form": "sales.nothing", "values": {}})).status_code == 404
    assert (await quotes.post(URL, json={"form": "__class__", "values": {}})).status_code == 422
    assert (await quotes.post(URL, json={"form": "sales.quotes", "values": {}, "formula": "1"})).status_code == 422


async def _member_with(client, make_user, login, username: str, group: dict):
    await make_user(username, "user-Pa55word")
    role = await client.post("/api/apps/sales/roles", json={"key": username, "name": username.title()})
    assert role.status_code == 201, role.text
    users = (await client.get("/api/admin/users", params={"q": username})).json()["items"]
    user_id = next(u["id"] for u in users if u["username"] == username)
    members = {"users": [user_id], "departments": [], "roles": []}
    assert (await client.put(f"/api/apps/sales/roles/{username}/members", json=members)).status_code == 200
    saved = await client.put(f"/api/apps/sales/forms/quotes/permissions/{username}", json=group)
    assert saved.status_code == 200, saved.text
    return await login(username, "user-Pa55word")


async def test_hidden_fields_neither_feed_formulas_nor_come_back(quotes, make_user, login):
    group = {"actions": ["view", "create"], "data_scope": {"kind": "all"}, "field_rules": {"cost": "hidden", "margin": "hidden"}}
    rep = await _member_with(quotes, make_user, login, "rep", group)
    out = (await rep.post(URL, json={"form": "sales.quotes", "values": {"amount": "10", "cost": "4"}})).json()
    assert "margin" not in out["computed"] and out["computed"]["total"] == "20.00"
    # the same answer whatever the hidden field is said to hold
    again = (await rep.post(URL, json={"form": "sales.quotes", "values": {"amount": "10", "cost": "999"}})).json()
    assert again == out


async def test_outsiders_get_nothing(quotes, make_user, login):
    await make_user("stranger", "str-Pa55word")
    stranger = await login("stranger", "str-Pa55word")
    response = await stranger.post(URL, json={"form": "sales.quotes", "values": {"kind": "other"}})
    assert response.status_code in (403, 404)
    assert "visible" not in response.json()


async def test_signing_in_is_required(quotes, anon):
    response = await anon.post(URL, json={"form": "sales.quotes", "values": {}})
    assert response.status_code == 401
