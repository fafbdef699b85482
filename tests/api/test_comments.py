"""Comments on records: listing, writing as plain text with mentions, author-only edits, soft
deletes by the author or an app admin, the record's own visibility, and an audit row per write."""

from __future__ import annotations

import pytest

from tests.factories.forms import field, make_form, publish_form

TICKETS = make_form("tickets", [field("title")], title_field="title")
RECORDS = "/api/apps/desk/forms/tickets/records"


@pytest.fixture
async def desk(client):
    await publish_form(client, "desk", TICKETS)
    ids = []
    for title in ("Printer jam", "VPN down"):
        created = await client.post(RECORDS, json={"title": title})
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


def _comments(record_id: int) -> str:
    return f"{RECORDS}/{record_id}/comments"


async def _second_admin(client, make_user, login):
    admin_role = next(r for r in (await client.get("/api/admin/roles")).json()["items"] if r["key"] == "admin")
    await make_user("ops", "ops-Pa55word-long", display_name="Ops Lead", role_ids=[admin_role["id"]])
    return await login("ops", "ops-Pa55word-long")


async def test_comments_list_oldest_first_with_author_and_mentions(client, desk, make_user):
    bob = await make_user("bob", display_name="Bob Chen")
    url = _comments(desk[0])
    first = await client.post(url, json={"body": "Checked the tray.", "mentions": [bob["id"], bob["id"]]})
    assert first.status_code == 201, first.text
    assert first.json()["author"]["display_name"] == "Administrator"
    assert first.json()["mentions"] == [{"id": bob["id"], "display_name": "Bob Chen"}]
    await client.post(url, json={"body": "Still jammed."})
    await client.post(_comments(desk[1]), json={"body": "Other ticket."})

    items = (await client.get(url)).json()["items"]
    assert [c["body"] for c in items] == ["Checked the tray.", "Still jammed."]
    assert set(items[0]) == {"id", "author", "body", "mentions", "created_at", "edited_at"}
    assert items[0]["edited_at"] is None and items[1]["mentions"] == []


async def test_bodies_are_plain_text_without_control_characters(client, desk):
    url = _comments(desk[0])
    stored = await client.post(url, json={"body": "  <b>line one</b>\r\n\tline two\x00\x1b[31m\x07\u0085  "})
    assert stored.status_code == 201
    assert stored.json()["body"] == "<b>line one</b>\n\tline two[31m"  # text, kept verbatim; rendered as text
    for body in ("   \n\x00 ", "x" * 5001):
        refused = await client.post(url, json={"body": body})
        assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "body"
    assert (await client.post(url, json={"body": "x" * 5000})).status_code == 201
    assert (await client.post(url, json={"body": "hi", "html": "<i>"})).status_code == 422
    assert len((await client.get(url)).json()["items"]) == 2


async def test_mentions_must_name_active_users(client, desk, make_user):
    carol = await make_user("carol")
    gone = await make_user("gone")
    await client.delete(f"/api/admin/users/{gone['id']}")
    refused = await client.post(_comments(desk[0]), json={"body": "FYI", "mentions": [carol["id"], gone["id"], 999999]})
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["mentions.1", "mentions.2"]
    huge = await client.post(_comments(desk[0]), json={"body": "FYI", "mentions": [2**70]})
    assert huge.status_code == 422 and huge.json()["errors"][0]["path"] == "mentions.0"
    assert (await client.get(_comments(desk[0]))).json()["items"] == []


async def test_only_the_author_edits_and_an_app_admin_may_delete(client, desk, make_user, login):
    url = _comments(desk[0])
    mine = (await client.post(url, json={"body": "Draft note"})).json()
    edited = await client.patch(f"{url}/{mine['id']}", json={"body": " Final note "})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Final note" and edited.json()["edited_at"] is not None
    assert (await client.patch(f"{url}/{mine['id']}", json={"body": "x", "mentions": []})).status_code == 422

    ops = await _second_admin(client, make_user, login)
    refused = await ops.patch(f"{url}/{mine['id']}", json={"body": "Rewritten by someone else"})
    assert refused.status_code == 403
    theirs = (await ops.post(url, json={"body": "Ops was here"})).json()
    assert (await ops.delete(f"{url}/{mine['id']}")).status_code == 204  # an app admin moderates
    assert (await client.delete(f"{url}/{theirs['id']}")).status_code == 204
    assert (await client.get(url)).json()["items"] == []


async def test_unknown_deleted_or_elsewhere_comments_are_404(client, desk):
    url = _comments(desk[0])
    comment = (await client.post(url, json={"body": "On the first ticket"})).json()
    other = f"{_comments(desk[1])}/{comment['id']}"
    assert (await client.patch(other, json={"body": "moved?"})).status_code == 404
    assert (await client.delete(other)).status_code == 404
    assert (await client.patch(f"{url}/999999", json={"body": "x"})).status_code == 404
    assert (await client.delete(f"{url}/{comment['id']}")).status_code == 204
    assert (await client.delete(f"{url}/{comment['id']}")).status_code == 404
    assert (await client.patch(f"{url}/{comment['id']}", json={"body": "back"})).status_code == 404
    assert (await client.get(_comments(999999))).status_code == 404
    assert (await client.post(_comments(999999), json={"body": "x"})).status_code == 404
    assert (await client.get(_comments(2**70))).status_code == 422
    assert (await client.delete(f"{url}/{2**70}")).status_code == 422
    await client.delete(f"{RECORDS}/{desk[1]}")
    assert (await client.get(_comments(desk[1]))).status_code == 404


async def test_a_user_without_access_to_the_form_finds_nothing(client, desk, make_user, login):
    comment = (await client.post(_comments(desk[0]), json={"body": "Internal"})).json()
    await make_user("eve", "eve-Pa55word")
    eve = await login("eve", "eve-Pa55word")
    url = _comments(desk[0])
    assert (await eve.get(url)).status_code == 404
    assert (await eve.post(url, json={"body": "hello"})).status_code == 404
    assert (await eve.patch(f"{url}/{comment['id']}", json={"body": "hijack"})).status_code == 404
    assert (await eve.delete(f"{url}/{comment['id']}")).status_code == 404
    assert [c["body"] for c in (await client.get(url)).json()["items"]] == ["Internal"]


async def test_each_write_leaves_one_audit_row(client, desk):
    url = _comments(desk[0])
    comment = (await client.post(url, json={"body": "one"})).json()
    await client.patch(f"{url}/{comment['id']}", json={"body": "two"})
    await client.delete(f"{url}/{comment['id']}")
    await client.post(url, json={"body": "  "})  # refused: no row
    for action in ("comment.create", "comment.update", "comment.delete"):
        rows = (await client.get("/api/admin/audit", params={"action": action})).json()["items"]
        assert len(rows) == 1, action
        assert rows[0]["target_type"] == "record_comment" and rows[0]["target_id"] == str(comment["id"])
    update = (await client.get("/api/admin/audit", params={"action": "comment.update"})).json()["items"][0]
    assert update["before"]["body"] == "one" and update["after"]["body"] == "two"
    assert update["after"]["record_id"] == desk[0] and update["after"]["form"] == "desk.tickets"
