"""Computed fields compose and recompute through one dependency graph, on the server."""

from __future__ import annotations

from datetime import datetime

from tests.factories.forms import choices, field, make_form, publish_form

ACCOUNTS = make_form("accounts", [field("name"), field("industry", "single_select", options=choices("energy", "rail"))],
                     title_field="name")
PRODUCTS = make_form("products", [field("name"), field("price", "money")], title_field="name")


def quotes_form(extra=()):
    return make_form("quotes", [
        field("title", required=True),
        field("number", "autonumber", options={"pattern": "BJ-{YYYY}{MM}-{000}"}),
        field("customer", "link", options={"form": "accounts"}),
        field("industry", "lookup", options={"link": "customer", "field": "industry"}),
        field("items", "subform", fields=[
            field("product", "link", options={"form": "products"}),
            field("unit_price", "lookup", options={"link": "product", "field": "price"}),
            field("qty", "number"),
            field("subtotal", "formula", options={"expression": "qty * unit_price", "precision": 2}),
        ]),
        field("total", "rollup", options={"source": "items", "field": "subtotal", "function": "sum"}),
        field("discount", "percent", rules=[{"expr": "discount <= 50", "message": {"en": "At most 50 % off", "zh-CN": "折扣不能超过 50%"}}]),
        field("net", "formula", options={"expression": "total * (1 - IF(ISBLANK(discount), 0, discount) / 100)", "precision": 2}),
        field("grade", "formula", options={"expression": 'IF(net > 100000, "A", "B")'}),
        field("reason", "textarea", required=True, visible_when="discount > 20"),
        *extra,
    ], title_field="title")


ACCOUNTS_WITH_ROLLUPS = make_form("accounts", [
    *ACCOUNTS["fields"],
    field("quoted", "rollup", options={"source": {"form": "quotes", "via": "customer"}, "field": "net", "function": "sum"}),
    field("quotes_n", "rollup", options={"source": {"form": "quotes", "via": "customer"}, "function": "count"}),
    field("tier", "formula", options={"expression": 'IF(quoted >= 200000, "战略", "普通")'}),
], title_field="name")


async def _setup(client):
    await publish_form(client, "crm", ACCOUNTS)
    await publish_form(client, "crm", PRODUCTS, create_app=False)
    await publish_form(client, "crm", quotes_form(), create_app=False)
    await publish_form(client, "crm", ACCOUNTS_WITH_ROLLUPS, create_app=False)
    account = (await client.post("/api/apps/crm/forms/accounts/records", json={"name": "国网", "industry": "energy"})).json()
    product = (await client.post("/api/apps/crm/forms/products/records", json={"name": "Relay", "price": "30000"})).json()
    return account, product


async def test_quote_totals_lookups_and_numbers_compose(client, clock):
    account, product = await _setup(client)
    response = await client.post("/api/apps/crm/forms/quotes/records", json={
        "title": "Substation", "customer": account["id"], "discount": "10",
        "items": [{"product": product["id"], "qty": 5}, {"product": product["id"], "qty": 2}],
    })
    assert response.status_code == 201, response.text
    quote = response.json()
    assert quote["industry"] == "energy"
    assert [r["unit_price"] for r in quote["items"]] == ["30000.00", "30000.00"]
    assert [r["subtotal"] for r in quote["items"]] == ["150000.00", "60000.00"]
    assert quote["total"] == "210000.00" and quote["net"] == "189000.00" and quote["grade"] == "A"
    assert quote["number"] == f"BJ-{clock.now():%Y%m}-001"
    second = (await client.post("/api/apps/crm/forms/quotes/records", json={"title": "Small", "customer": account["id"]})).json()
    assert second["number"].endswith("-002") and second["total"] == "0.00"
    acc = (await client.get(f"/api/apps/crm/forms/accounts/records/{account['id']}")).json()
    assert acc["quoted"] == "189000.00" and acc["quotes_n"] == "2.00" and acc["tier"] == "普通"


async def test_changes_recompute_dependents_only_when_inputs_change(client):
    account, product = await _setup(client)
    quote = (await client.post("/api/apps/crm/forms/quotes/records", json={
        "title": "Grid", "customer": account["id"], "items": [{"product": product["id"], "qty": 10}],
    })).json()
    assert quote["net"] == "300000.00"
    acc = (await client.get(f"/api/apps/crm/forms/accounts/records/{account['id']}")).json()
    assert acc["quoted"] == "300000.00" and acc["tier"] == "战略"
    # Changing the account's industry flows into the quote's lookup, not its number.
    await client.patch(f"/api/apps/crm/forms/accounts/records/{account['id']}", json={"version": acc["version"], "industry": "rail"})
    refreshed = (await client.get(f"/api/apps/crm/forms/quotes/records/{quote['id']}")).json()
    assert refreshed["industry"] == "rail" and refreshed["number"] == quote["number"] and refreshed["version"] == 1
    # A discount changes the quote's net and, through the reverse rollup, the account's tier.
    await client.patch(f"/api/apps/crm/forms/quotes/records/{quote['id']}",
                       json={"version": 1, "discount": "40", "reason": "Strategic entry"})
    acc = (await client.get(f"/api/apps/crm/forms/accounts/records/{account['id']}")).json()
    assert acc["quoted"] == "180000.00" and acc["tier"] == "普通"
    # Deleting the quote empties the rollup; restoring brings it back.
    await client.delete(f"/api/apps/crm/forms/quotes/records/{quote['id']}")
    assert (await client.get(f"/api/apps/crm/forms/accounts/records/{account['id']}")).json()["quoted"] == "0.00"
    await client.post("/api/apps/crm/forms/quotes/records/restore", json={"ids": [quote["id"]]})
    assert (await client.get(f"/api/apps/crm/forms/accounts/records/{account['id']}")).json()["quoted"] == "180000.00"


async def test_rules_visibility_and_computed_writes(client):
    await _setup(client)
    url = "/api/apps/crm/forms/quotes/records"
    too_much = await client.post(url, json={"title": "X", "discount": "60", "reason": "why"})
    assert too_much.status_code == 422
    assert too_much.json()["errors"] == [{"path": "discount", "message": "At most 50 % off", "message_zh": "折扣不能超过 50%",
                                          "code": "rule"}]
    hidden_not_required = await client.post(url, json={"title": "Y", "discount": "5"})
    assert hidden_not_required.status_code == 201
    shown_required = await client.post(url, json={"title": "Z", "discount": "25"})
    assert shown_required.status_code == 422 and shown_required.json()["errors"][0]["path"] == "reason"
    computed = await client.post(url, json={"title": "W", "net": "1"})
    assert computed.status_code == 403 and computed.json()["errors"][0]["path"] == "net"


async def test_design_errors_point_at_the_field_and_position(client):
    await publish_form(client, "crm", ACCOUNTS)
    bad = make_form("things", [
        field("a", "number"), field("b", "text"),
        field("c", "formula", options={"expression": "a + b"}),
        field("d", "formula", options={"expression": "e + 1"}),
        field("e", "formula", options={"expression": "d + 1"}),
        field("f", "lookup", options={"link": "a", "field": "x"}),
    ])
    created = await client.post("/api/apps/crm/forms", json={"definition": bad})
    problems = {p["path"]: p for p in created.json()["problems"]}
    assert problems["fields.2.options.expression"]["position"]["column"] == 1
    assert "cycle" in problems["fields.3.options.expression"]["message"]
    assert "fields.5.options.link" in problems
    assert (await client.post("/api/apps/crm/forms/things/publish", json={})).status_code == 422


async def test_defaults_static_formula_and_linkage(client):
    await publish_form(client, "crm", PRODUCTS)
    form = make_form("orders", [
        field("status", "single_select", options=choices("new", "done"), default={"value": "new"}),
        field("ordered_on", "date", default={"formula": "TODAY()"}),
        field("product", "link", options={"form": "products"}),
        field("price", "money", default={"linkage": {"form": "products", "match": [{"field": "id", "equals": "product"}],
                                                     "field": "price"}}),
    ])
    await publish_form(client, "crm", form, create_app=False)
    product = (await client.post("/api/apps/crm/forms/products/records", json={"name": "Meter", "price": "88.5"})).json()
    order = (await client.post("/api/apps/crm/forms/orders/records", json={"product": product["id"]})).json()
    assert order["status"] == "new" and order["price"] == "88.50"
    assert order["ordered_on"] == datetime.now().date().isoformat() or order["ordered_on"]
    explicit = (await client.post("/api/apps/crm/forms/orders/records", json={"product": product["id"], "price": "70"})).json()
    assert explicit["price"] == "70.00"


async def test_lookups_two_links_deep_and_a_formula_over_them_follow_changes(client):
    regions = make_form("regions", [field("name"), field("manager")], title_field="name")
    accounts = make_form("accounts", [field("name"), field("region", "link", options={"form": "regions"}),
                                      field("region_manager", "lookup", options={"link": "region", "field": "manager"})],
                         title_field="name")
    tickets = make_form("tickets", [field("subject"), field("account", "link", options={"form": "accounts"}),
                                    field("escalate_to", "lookup", options={"link": "account", "field": "region_manager"}),
                                    field("label", "formula", options={"expression": 'subject & " → " & escalate_to'})])
    await publish_form(client, "svc", regions)
    await publish_form(client, "svc", accounts, create_app=False)
    await publish_form(client, "svc", tickets, create_app=False)
    region = (await client.post("/api/apps/svc/forms/regions/records", json={"name": "华东", "manager": "Wang"})).json()
    account = (await client.post("/api/apps/svc/forms/accounts/records", json={"name": "X", "region": region["id"]})).json()
    ticket = (await client.post("/api/apps/svc/forms/tickets/records", json={"subject": "Down", "account": account["id"]})).json()
    assert ticket["escalate_to"] == "Wang" and ticket["label"] == "Down → Wang"
    await client.patch(f"/api/apps/svc/forms/regions/records/{region['id']}", json={"version": 1, "manager": "Li"})
    ticket = (await client.get(f"/api/apps/svc/forms/tickets/records/{ticket['id']}")).json()
    assert ticket["escalate_to"] == "Li" and ticket["label"] == "Down → Li"
