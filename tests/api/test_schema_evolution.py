"""Publishing changes to a form that holds data: nothing is ever lost silently."""

from __future__ import annotations

from tests.factories.forms import choices, field, make_form, publish_form

URL = "/api/apps/shop/forms/orders"
V1 = make_form("orders", [field("title"), field("qty"), field("note", "textarea")])


async def _seed(client):
    await publish_form(client, "shop", V1)
    for title, qty in (("a", "12"), ("b", "7.5"), ("c", "lots")):
        assert (await client.post(URL + "/records", json={"title": title, "qty": qty, "note": "n-" + title})).status_code == 201


async def _records(client) -> dict[str, dict]:
    items = (await client.get(URL + "/records", params={"sort": "title"})).json()["items"]
    return {r["title"]: r for r in items}


async def test_adding_a_field_keeps_records_and_accepts_new_values(client):
    await _seed(client)
    v2 = make_form("orders", [*V1["fields"], field("status", "single_select", options=choices("new", "paid"))])
    result = await publish_form(client, "shop", v2, create_app=False)
    assert result["version"] == 2 and result["changes"][0]["op"] == "add_column"
    records = await _records(client)
    assert records["a"]["qty"] == "12" and records["a"]["status"] is None
    patched = await client.patch(f"{URL}/records/{records['a']['id']}", json={"version": 1, "status": "paid"})
    assert patched.json()["status"] == "paid"


async def test_removed_field_keeps_its_data_until_purged_and_can_be_restored(client):
    await _seed(client)
    without_note = make_form("orders", [field("title"), field("qty")])
    result = await publish_form(client, "shop", without_note, create_app=False)
    assert result["changes"] == [{"op": "retire_field", "field": "note", "type": "textarea", "data": "kept until purged"}]
    assert "note" not in (await _records(client))["a"]
    form = (await client.get(URL)).json()
    assert form["retired_fields"]["retired"] == {"note": 1}
    restored = await publish_form(client, "shop", V1, create_app=False)
    assert {"op": "restore_field", "field": "note"} in restored["changes"]
    assert (await _records(client))["a"]["note"] == "n-a"
    await publish_form(client, "shop", without_note, create_app=False)
    assert (await client.post(URL + "/purge/note")).status_code == 204
    again = await publish_form(client, "shop", V1, create_app=False)
    assert (await _records(client))["a"]["note"] is None and again["version"] == 5


async def test_type_change_reports_unconvertible_values_before_publishing(client):
    await _seed(client)
    numeric = make_form("orders", [field("title"), field("qty", "number", options={"precision": 1}), field("note", "textarea")])
    await client.put(URL + "/draft", json={"definition": numeric})
    preview = (await client.post(URL + "/publish/preview")).json()
    assert preview["changes"][0]["op"] == "change_type"
    assert preview["unconvertible_count"] == 1 and preview["unconvertible"][0]["value"] == "lots"
    refused = await client.post(URL + "/publish", json={"on_unconvertible": "abort"})
    assert refused.status_code == 409 and refused.json()["code"] == "unconvertible_values"
    assert (await client.get(URL)).json()["published_version"] == 1
    assert (await _records(client))["c"]["qty"] == "lots"

    kept = await client.post(URL + "/publish", json={"on_unconvertible": "keep"})
    assert kept.status_code == 200 and kept.json()["kept_unconvertible_count"] == 1
    records = await _records(client)
    assert records["a"]["qty"] == "12.0" and records["b"]["qty"] == "7.5" and records["c"]["qty"] is None
    preserved = (await client.get(URL)).json()["retired_fields"]["preserved"]
    assert preserved[0]["column"] == "qty__v1" and preserved[0]["type"] == "text"
    filtered = await client.post(URL + "/records/query", json={"filter": {"field": "qty", "op": "gt", "value": 8}})
    assert [r["title"] for r in filtered.json()["items"]] == ["a"]


async def test_invalid_draft_cannot_be_published_and_names_the_problem(client):
    await _seed(client)
    broken = make_form("orders", [field("title"), field("qty"), field("stage", "single_select", options={"choices": []})])
    saved = await client.put(URL + "/draft", json={"definition": broken})
    assert saved.status_code == 200 and saved.json()["problems"][0]["path"] == "fields.2.options.choices"
    refused = await client.post(URL + "/publish", json={})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "fields.2.options.choices"
    assert (await client.get(URL)).json()["published_version"] == 1


async def test_stale_draft_save_is_refused(client):
    await _seed(client)
    form = (await client.get(URL)).json()
    first = await client.put(URL + "/draft", json={"definition": V1, "draft_revision": form["draft_revision"]})
    assert first.status_code == 200
    second = await client.put(URL + "/draft", json={"definition": V1, "draft_revision": form["draft_revision"]})
    assert second.status_code == 409


async def test_structural_type_changes_are_refused_with_a_path(client):
    await _seed(client)
    links = make_form("orders", [field("title"), field("qty", "links", options={"form": "orders"}), field("note", "textarea")])
    await client.put(URL + "/draft", json={"definition": links})
    refused = await client.post(URL + "/publish", json={"on_unconvertible": "keep"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "fields.qty.type"


async def test_writes_racing_a_publish_all_land_on_one_version_or_the_other(client, login):
    import asyncio

    await _seed(client)
    numeric = make_form("orders", [field("title"), field("qty", "number", options={"precision": 1}), field("note", "textarea")])
    await client.put(URL + "/draft", json={"definition": numeric})
    writers = [await login("admin", "admin-Pa55word!") for _ in range(4)]

    async def write(c, i):
        return await c.post(URL + "/records", json={"title": f"w{i}", "qty": str(i)})

    publish = client.post(URL + "/publish", json={"on_unconvertible": "keep"})
    results = await asyncio.gather(publish, *(write(c, i) for i, c in enumerate(writers * 3)))
    assert results[0].status_code == 200
    assert all(r.status_code == 201 for r in results[1:]), [r.text for r in results[1:] if r.status_code != 201]
    records = await _records(client)
    assert all(records[f"w{i}"]["qty"] in (f"{i}.0", str(i)) for i in range(4))
    after = await client.post(URL + "/records", json={"title": "late", "qty": "2.5"})
    assert after.json()["qty"] == "2.5"
