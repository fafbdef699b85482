"""Each app's own OpenAPI document, built from its published forms for the reader: field keys,
types, choices as enums, required fields; hidden fields left out; it follows a republish."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from tests.api.test_reports_world import APP, world  # noqa: F401  (world is a fixture)
from tests.factories.forms import choices, field, make_form, publish_form

DOC = f"/api/apps/{APP}/openapi.json"


async def test_the_document_describes_each_form_the_reader_may_see(world):
    admin, alice = world["admin"], world["clients"]["alice"]
    response = await admin.get(DOC)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    assert {"/api/apps/sales/forms/deals/records", "/api/apps/sales/forms/deals/records/{record_id}"} <= set(doc["paths"])
    deals = doc["components"]["schemas"]["DealsInput"]
    assert set(deals["properties"]) == {"title", "amount", "cost", "stage", "signed_on", "customer"}
    assert deals["properties"]["stage"]["enum"][:3] == ["lead", "won", "lost"]
    assert deals["properties"]["signed_on"]["format"] == "date"
    assert doc["components"]["schemas"]["DealsRecord"]["properties"]["id"]["readOnly"] is True
    post = doc["paths"]["/api/apps/sales/forms/deals/records"]["post"]
    assert post["parameters"][0]["name"] == "Idempotency-Key"
    Draft202012Validator.check_schema(deals)

    theirs = (await alice.get(DOC)).json()  # the cost field is hidden from reps
    assert "cost" not in theirs["components"]["schemas"]["DealsInput"]["properties"]
    assert "cost" not in theirs["components"]["schemas"]["DealsRecord"]["properties"]

    page = await admin.get(f"/api/apps/{APP}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<code>stage</code>" in page.text and "<script" not in page.text
    assert (await world["clients"]["bob"].get("/api/apps/nope/openapi.json")).status_code == 404


async def test_the_document_follows_a_republished_form(client):
    form = make_form("tickets", [field("subject", required=True)])
    await publish_form(client, "desk", form)
    first = (await client.get("/api/apps/desk/openapi.json")).json()["components"]["schemas"]["TicketsInput"]
    assert first["required"] == ["subject"] and set(first["properties"]) == {"subject"}
    form["fields"].append(field("urgency", "single_select", options=choices("P1", "P2")))
    await publish_form(client, "desk", form, create_app=False)
    second = (await client.get("/api/apps/desk/openapi.json")).json()["components"]["schemas"]["TicketsInput"]
    assert second["properties"]["urgency"]["enum"][:2] == ["P1", "P2"]
