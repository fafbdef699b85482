"""A small sales app for the reports API tests (helpers and the `world` fixture, no tests): an org,
three forms, roles with own / department / all scopes and a hidden field, deals owned by
different people."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.forms import choices, field, make_form, publish_form

APP = "sales"
PASSWORD = "user-Pa55word"
CUSTOMERS = make_form("customers", [
    field("name"), field("region", "single_select", options=choices("east", "north")),
], title_field="name")
DEALS = make_form("deals", [
    field("title"), field("amount", "money"), field("cost", "money"),
    field("stage", "single_select", options=choices("lead", "won", "lost")), field("signed_on", "date"),
    field("customer", "link", options={"form": "customers"}),
], title_field="title")
PAYMENTS = make_form("payments", [field("deal", "link", options={"form": "deals"}), field("paid", "money")])
GROUPS = {  # role: (deals group, customers group)
    "rep": ({"actions": ["view", "create", "edit"], "data_scope": {"kind": "own"}, "field_rules": {"cost": "hidden"}},
            {"actions": ["view"], "data_scope": {"kind": "all"}}),
    "sales": ({"actions": ["view", "export"], "data_scope": {"kind": "department"}}, {"actions": ["view"]}),
    "finance": ({"actions": ["view", "export"], "data_scope": {"kind": "all"}}, {"actions": ["view"]}),
}
# name: (owner, stage, amount, signed_on, customer index)
DEALS_PLAN = {
    "d1": ("alice", "won", "100", "2024-01-10", 0), "d2": ("alice", "lead", "200", "2024-02-11", 1),
    "d3": ("bob", "won", "300", "2024-02-20", 0), "d4": ("carol", "lost", "400", "2024-03-05", 1),
    "d5": ("dave", "won", "500", "2024-03-25", None), "d6": ("bob", "lead", "=HYPERLINK(\"x\")", "2024-01-02", 0),
}


@pytest.fixture
async def world(client, make_user, login) -> dict[str, Any]:
    dept = {}
    for name, parent in (("HQ", None), ("Sales", "HQ"), ("Sales East", "Sales"), ("Finance", "HQ")):
        response = await client.post("/api/admin/departments", json={"name": name, "parent_id": dept.get(parent)})
        assert response.status_code == 201, response.text
        dept[name] = response.json()["id"]
    homes = {"alice": "Sales East", "bob": "Sales", "carol": "Sales", "dave": "Finance"}
    users = {n: await make_user(n, PASSWORD, department_ids=[dept[d]], display_name=n.title() + " Li")
             for n, d in homes.items()}
    await publish_form(client, APP, CUSTOMERS)
    await publish_form(client, APP, DEALS, create_app=False)
    await publish_form(client, APP, PAYMENTS, create_app=False)
    members = {"rep": ["alice"], "sales": ["bob", "carol"], "finance": ["dave"]}
    for role, (deals_group, customers_group) in GROUPS.items():
        created = await client.post(f"/api/apps/{APP}/roles", json={"key": role, "name": role.title()})
        assert created.status_code == 201, created.text
        body = {"users": [users[u]["id"] for u in members[role]], "departments": [], "roles": []}
        assert (await client.put(f"/api/apps/{APP}/roles/{role}/members", json=body)).status_code == 200
        for form, group in (("deals", deals_group), ("customers", customers_group), ("payments", {"actions": ["view"]})):
            saved = await client.put(f"/api/apps/{APP}/forms/{form}/permissions/{role}", json=group)
            assert saved.status_code == 200, saved.text
    customers = []
    for name, region in (("Acme", "east"), ("Globex", "north")):
        response = await client.post(f"/api/apps/{APP}/forms/customers/records", json={"name": name, "region": region})
        assert response.status_code == 201, response.text
        customers.append(response.json()["id"])
    ids = {}
    for name, (owner, stage, amount, signed, customer) in DEALS_PLAN.items():
        body = {"title": f"Deal {name}" if not amount.startswith("=") else amount, "stage": stage, "signed_on": signed,
                "amount": amount if not amount.startswith("=") else "50", "cost": "10",
                "customer": customers[customer] if customer is not None else None}
        response = await client.post(f"/api/apps/{APP}/forms/deals/records", json=body)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
        moved = await client.post(f"/api/apps/{APP}/forms/deals/records/reassign",
                                  json={"ids": [ids[name]], "owner_id": users[owner]["id"]})
        assert moved.status_code == 200, moved.text
    for i, deal in enumerate(("d1", "d1", "d3", "d5")):
        response = await client.post(f"/api/apps/{APP}/forms/payments/records", json={"deal": ids[deal], "paid": str(10 * (i + 1))})
        assert response.status_code == 201, response.text
    clients = {n: await login(n, PASSWORD) for n in homes}
    return {"dept": dept, "users": users, "ids": ids, "customers": customers, "clients": clients, "admin": client}


def report(**extra: Any) -> dict[str, Any]:
    """Deals by stage: count and sum of amount."""
    definition: dict[str, Any] = {
        "dataset": {"form": "deals"},
        "dimensions": [{"field": "stage"}],
        "measures": [{"key": "deals", "agg": "count"}, {"key": "amount", "agg": "sum", "field": "amount"}],
        "chart": {"type": "column"},
    }
    definition.update(extra)
    return definition


def by(rows: list[dict[str, Any]], key: str, value: str) -> dict[Any, Any]:
    return {row[key]: row[value] for row in rows}
