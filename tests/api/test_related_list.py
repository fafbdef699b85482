"""Related-list rows on a record: the other form's records linking here, with the list's own
conditions, columns, order and page size, read through that form's permission gate."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.errors import Forbidden, NotFound
from engines.form.compiled import CompileContext, compile_form
from engines.form.definition import FormDef
from runtime.permissions import Scope
from runtime.records.related import related_query
from tests.factories.forms import field, make_form, publish_form

CUSTOMERS = make_form("customers", [field("name")], title_field="name")
CONTACTS = make_form("contacts", [
    field("name"),
    field("phone"),
    field("active", "checkbox"),
    field("customer", "link", options={"form": "customers"}),
    field("accounts", "links", options={"form": "customers"}),
])
RELATED = {"form": "contacts", "match_field": "customer", "columns": ["name", "phone"],
           "filter": [{"field": "active", "op": "eq", "value": True}], "sort": [{"field": "name"}], "page_size": 2}
CUSTOMERS_WITH_LISTS = make_form("customers", [
    field("name"),
    field("people", "related_list", options=RELATED),
    field("shared_with", "related_list", options={"form": "contacts", "match_field": "accounts", "columns": ["name"]}),
], title_field="name")
BASE = "/api/apps/crm/forms"


@pytest.fixture
async def crm(client):
    await publish_form(client, "crm", CUSTOMERS)
    await publish_form(client, "crm", CONTACTS)
    await publish_form(client, "crm", CUSTOMERS_WITH_LISTS, create_app=False)
    ids = {}
    for name in ("Acme", "Globex"):
        ids[name] = (await client.post(f"{BASE}/customers/records", json={"name": name})).json()["id"]
    contacts = [("Zoe", True, "Acme"), ("Adam", True, "Acme"), ("Mia", True, "Acme"), ("Old Bob", False, "Acme"),
                ("Gina", True, "Globex")]
    for name, active, customer in contacts:
        created = await client.post(f"{BASE}/contacts/records", json={
            "name": name, "phone": "13800000000", "active": active, "customer": ids[customer],
            "accounts": [ids["Globex"]] if name in ("Zoe", "Gina") else None})
        assert created.status_code == 201, created.text
    return ids


def _related(customer_id: int, field_key: str = "people") -> str:
    return f"{BASE}/customers/records/{customer_id}/related/{field_key}"


async def test_lists_the_linked_records_with_the_lists_conditions_order_columns_and_pages(client, crm):
    first = await client.get(_related(crm["Acme"]))
    assert first.status_code == 200, first.text
    body = first.json()
    assert [r["name"] for r in body["items"]] == ["Adam", "Mia"]
    assert body["total"] == 3 and body["has_more"] is True
    assert "active" not in body["items"][0] and "customer" not in body["items"][0]
    assert body["items"][0]["phone"] == "13800000000"
    second = (await client.get(_related(crm["Acme"]), params={"page": 2})).json()
    assert [r["name"] for r in second["items"]] == ["Zoe"] and second["has_more"] is False
    wide = (await client.get(_related(crm["Acme"]), params={"limit": 10})).json()
    assert [r["name"] for r in wide["items"]] == ["Adam", "Mia", "Zoe"]
    assert [r["name"] for r in (await client.get(_related(crm["Globex"]))).json()["items"]] == ["Gina"]
    assert (await client.get(_related(crm["Acme"]), params={"limit": 101})).status_code == 422


async def test_a_list_over_a_to_many_link(client, crm):
    rows = (await client.get(_related(crm["Globex"], "shared_with"))).json()["items"]
    assert sorted(r["name"] for r in rows) == ["Gina", "Zoe"]
    assert (await client.get(_related(crm["Acme"], "shared_with"))).json()["items"] == []


async def test_missing_records_and_fields_that_are_not_related_lists_are_404(client, crm):
    assert (await client.get(_related(crm["Acme"], "name"))).status_code == 404
    assert (await client.get(_related(crm["Acme"], "nothing"))).status_code == 404
    assert (await client.get(_related(999999))).status_code == 404
    assert (await client.get(_related(2**70))).status_code == 422
    await client.delete(f"{BASE}/customers/records/{crm['Globex']}")
    assert (await client.get(_related(crm["Globex"]))).status_code == 404


async def test_a_user_without_access_finds_nothing(client, crm, make_user, login):
    await make_user("eve", "eve-Pa55word")
    eve = await login("eve", "eve-Pa55word")
    assert (await eve.get(_related(crm["Acme"]))).status_code == 404


# -- The query built for one user: only what they may read of the other form -----------------------


def _forms():
    definitions = {"customers": FormDef.model_validate(CUSTOMERS_WITH_LISTS), "contacts": FormDef.model_validate(CONTACTS)}
    context = CompileContext("crm", definitions)
    return compile_form("crm", CUSTOMERS_WITH_LISTS, context), compile_form("crm", CONTACTS, context)


def _query(readable, options=None):
    customers, contacts = _forms()
    options = options or customers.specs["people"].options
    source = SimpleNamespace(form=customers)
    target = SimpleNamespace(form=contacts, scope=Scope(frozenset({"view"}), readable=readable))
    return related_query(source, target, options, 7, 1, None)


def test_the_query_links_to_this_record_and_keeps_the_lists_settings():
    query = _query(None)
    assert query["filter"] == {"and": [{"field": "customer", "op": "eq", "value": 7},
                                       {"field": "active", "op": "eq", "value": True}]}
    assert (query["sort"], query["fields"], query["limit"], query["page"]) == (["name"], ["name", "phone"], 2, 1)


def test_hidden_columns_and_sort_keys_are_left_out():
    query = _query(frozenset({"customer", "active", "accounts"}))
    assert query["fields"] == [] and query["sort"] == []


@pytest.mark.parametrize("hidden", ["customer", "active"])
def test_a_list_relying_on_a_hidden_field_is_refused(hidden):
    with pytest.raises(Forbidden):
        _query(frozenset({"name", "phone", "customer", "active", "accounts"}) - {hidden})


def test_a_match_field_linking_elsewhere_is_404():
    customers, _ = _forms()
    options = customers.specs["people"].options.model_copy(update={"match_field": "phone"})
    with pytest.raises(NotFound):
        _query(None, options)
