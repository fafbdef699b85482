"""In-app notifications: sent in the caller's transaction to many users at once, read by their
recipient alone (list newest first, unread filter and count, marking read)."""

from __future__ import annotations

import pytest

from runtime.notify import notify

LINK = {"app": "crm", "form": "deals", "record_id": 7}


@pytest.fixture
async def people(app, make_user, login):
    alice, bob = await make_user("alice"), await make_user("bob")
    return {"alice": (alice["id"], await login("alice", "user-Pa55word")),
            "bob": (bob["id"], await login("bob", "user-Pa55word"))}


async def send(app, user_ids, title="Deal won", title_zh="赢单", body="", link=None) -> int:
    async with app.state.db.transaction() as conn:
        return await notify(conn, user_ids, "deal.won", title, title_zh, body, link)


async def test_one_notification_reaches_each_recipient_and_only_them(app, people, client):
    alice_id, alice = people["alice"]
    bob_id, bob = people["bob"]
    assert await send(app, [alice_id, bob_id, alice_id, 987654], body="Acme signed.", link=LINK) == 2
    for me in (alice, bob):
        [item] = (await me.get("/api/notifications")).json()["items"]
        assert item["kind"] == "deal.won" and item["title"] == {"en": "Deal won", "zh-CN": "赢单"}
        assert (item["body"], item["link"], item["read_at"]) == ("Acme signed.", LINK, None)
    assert (await client.get("/api/notifications")).json() == {"items": [], "next_before": None}


async def test_newest_first_in_pages_with_an_unread_filter_and_count(app, people):
    alice_id, alice = people["alice"]
    for n in range(5):
        await send(app, [alice_id], title=f"n{n}", title_zh=f"第{n}条")
    first = (await alice.get("/api/notifications", params={"limit": 2})).json()
    assert [i["title"]["en"] for i in first["items"]] == ["n4", "n3"]
    second = (await alice.get("/api/notifications", params={"limit": 2, "before": first["next_before"]})).json()
    assert [i["title"]["en"] for i in second["items"]] == ["n2", "n1"]
    last = (await alice.get("/api/notifications", params={"limit": 2, "before": second["next_before"]})).json()
    assert [i["title"]["en"] for i in last["items"]] == ["n0"] and last["next_before"] is None
    assert (await alice.get("/api/notifications/unread-count")).json() == {"count": 5}

    marked = await alice.post("/api/notifications/read", json={"ids": [first["items"][0]["id"], second["items"][1]["id"]]})
    assert marked.status_code == 200 and marked.json() == {"updated": 2}
    unread = (await alice.get("/api/notifications", params={"unread": "true"})).json()["items"]
    assert [i["title"]["en"] for i in unread] == ["n3", "n2", "n0"]
    assert (await alice.get("/api/notifications/unread-count")).json() == {"count": 3}
    assert (await alice.post("/api/notifications/read", json={"all": True})).json() == {"updated": 3}
    assert (await alice.get("/api/notifications/unread-count")).json() == {"count": 0}
    assert all(i["read_at"] for i in (await alice.get("/api/notifications")).json()["items"])


async def test_nobody_can_read_or_mark_another_users_notifications(app, people, anon):
    alice_id, alice = people["alice"]
    bob_id, bob = people["bob"]
    await send(app, [bob_id])
    [bobs] = (await bob.get("/api/notifications")).json()["items"]
    assert (await alice.post("/api/notifications/read", json={"ids": [bobs["id"]]})).json() == {"updated": 0}
    assert (await alice.post("/api/notifications/read", json={"all": True})).json() == {"updated": 0}
    assert (await alice.get("/api/notifications", params={"before": bobs["id"] + 1})).json()["items"] == []
    assert (await bob.get("/api/notifications/unread-count")).json() == {"count": 1}
    assert (await anon.get("/api/notifications")).status_code == 401
    assert (await anon.get("/api/notifications/unread-count")).status_code == 401


async def test_marking_read_needs_ids_or_all(people):
    _, alice = people["alice"]
    for body in ({}, {"ids": [1], "all": True}):
        response = await alice.post("/api/notifications/read", json=body)
        assert response.status_code == 422 and response.json()["detail_zh"]
    response = await alice.post("/api/notifications/read", json={"ids": [1], "everything": True})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "everything"
    assert (await alice.get("/api/notifications", params={"limit": 101})).status_code == 422


async def test_notifying_nobody_writes_nothing(app, people):
    assert await send(app, []) == 0
    _, alice = people["alice"]
    assert (await alice.get("/api/notifications/unread-count")).json() == {"count": 0}
