"""Public form links: anonymous submissions through an unguessable link, and nothing more."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import make_client
from tests.factories.forms import field, make_form, publish_form

LEADS = make_form("leads", [field("company", required=True), field("phone", "phone"), field("score", "number"),
                            field("notes", "textarea")])
BASE = "/api/apps/crm/forms/leads"


async def _link(client, **extra):
    await publish_form(client, "crm", LEADS)
    body = {"name": "Website", "fields": ["company", "phone", "notes"], **extra}
    response = await client.post(BASE + "/public-links", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_anonymous_submission_fills_only_the_offered_fields(client, anon):
    link = await _link(client)
    form = (await anon.get(f"/api/public/forms/{link['token']}")).json()
    assert [f["key"] for f in form["form"]["fields"]] == ["company", "phone", "notes"]
    created = await anon.post(f"/api/public/forms/{link['token']}", json={"company": "华能", "phone": "13812345678"})
    assert created.status_code == 201 and created.json()["edit_token"] is None
    record = (await client.get(f"{BASE}/records/{created.json()['id']}")).json()
    assert record["company"] == "华能" and record["owner_id"] == (await client.get("/api/auth/me")).json()["id"]
    sneaky = await anon.post(f"/api/public/forms/{link['token']}", json={"company": "x", "score": 99})
    assert sneaky.status_code == 403 and sneaky.json()["errors"][0]["path"] == "score"
    missing = await anon.post(f"/api/public/forms/{link['token']}", json={"phone": "13812345678"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["path"] == "company"


async def test_revoked_expired_and_guessed_links_do_not_exist(client, anon, clock):
    link = await _link(client, expires_in_days=1)
    assert (await anon.get("/api/public/forms/not-a-real-token")).status_code == 404
    clock.advance(timedelta(days=2))
    assert (await anon.post(f"/api/public/forms/{link['token']}", json={"company": "x"})).status_code == 404
    clock.advance(timedelta(days=-2))
    assert (await client.delete(f"/api/apps/crm/public-links/{link['id']}")).status_code == 204
    assert (await anon.get(f"/api/public/forms/{link['token']}")).status_code == 404


async def test_submissions_are_rate_limited_per_address(client, app):
    link = await _link(client, max_per_minute=3)
    async with make_client(app, ip="203.0.113.9") as bot:
        codes = [(await bot.post(f"/api/public/forms/{link['token']}", json={"company": f"c{i}"})).status_code
                 for i in range(4)]
    assert codes == [201, 201, 201, 429]
    async with make_client(app, ip="203.0.113.10") as person:
        assert (await person.post(f"/api/public/forms/{link['token']}", json={"company": "ok"})).status_code == 201


async def test_edit_link_works_once(client, anon):
    link = await _link(client, allow_edit=True)
    created = (await anon.post(f"/api/public/forms/{link['token']}", json={"company": "Typo Ltd"})).json()
    edited = await anon.patch(f"/api/public/edits/{created['edit_token']}", json={"company": "Tipo Ltd"})
    assert edited.status_code == 200 and edited.json()["company"] == "Tipo Ltd"
    again = await anon.patch(f"/api/public/edits/{created['edit_token']}", json={"company": "Hijack"})
    assert again.status_code == 404
    assert (await client.get(f"{BASE}/records/{created['id']}")).json()["company"] == "Tipo Ltd"


async def test_only_designers_manage_links_and_required_fields_must_be_offered(client, make_user, login):
    await publish_form(client, "crm", LEADS)
    refused = await client.post(BASE + "/public-links", json={"name": "x", "fields": ["phone"]})
    assert refused.status_code == 422 and "company" in refused.json()["errors"][0]["message"]
    computed = await client.post(BASE + "/public-links", json={"name": "x", "fields": ["company", "id"]})
    assert computed.status_code == 422
    await make_user("rep", "rep-Pa55word")
    rep = await login("rep", "rep-Pa55word")
    assert (await rep.post(BASE + "/public-links", json={"name": "x", "fields": ["company"]})).status_code in (403, 404)
