"""Outbound webhooks against a loopback receiver started by the test: signed deliveries of record
and flow events as the webhook's creator may see them, retries after a 500 with one delivery id,
the attempt log, redelivery, switching off after repeated failure, and refused addresses."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from runtime.tables import notifications, outbox
from runtime.webhooks import signing
from runtime.worker import outbox as outbox_module
from runtime.worker.loop import Worker
from tests.api.test_reports_world import APP, world  # noqa: F401  (world is a fixture)
from tests.api.test_worker import Receiver

HOOKS = f"/api/apps/{APP}/webhooks"


@pytest.fixture
def run(app, clock):
    worker = Worker(app.state.db, clock, app.state.settings.model_copy(update={"outbound_allow_cidrs": ["127.0.0.1/32"]}))

    async def drain() -> int:
        total = 0
        while (done := await worker.run_once()):
            total += done
        return total
    return drain


async def _hook(c, url: str, events: list[str], **extra) -> dict:
    made = await c.post(HOOKS, json={"name": "ERP", "url": url, "events": events, **extra})
    assert made.status_code == 201, made.text
    return made.json()


async def test_record_events_are_signed_and_carry_the_record_as_its_creator_sees_it(world, run, clock):
    admin, alice = world["admin"], world["clients"]["alice"]
    # Alice administers the app for a while (an admin role), makes a webhook, then goes back to a rep.
    assert (await admin.post(f"/api/apps/{APP}/roles", json={"key": "ops", "name": "Ops", "is_admin": True})).status_code == 201
    members = {"users": [world["users"]["alice"]["id"]], "departments": [], "roles": []}
    assert (await admin.put(f"/api/apps/{APP}/roles/ops/members", json=members)).status_code == 200
    with Receiver() as receiver:
        hook = await _hook(alice, f"{receiver.url}/erp", ["record.created", "record.updated"], form_key="deals")
        assert hook["secret"].startswith("whsec_") and hook["secret_prefix"] == hook["secret"][:10]
        assert "secret" not in (await alice.get(HOOKS)).json()["items"][0]
        assert (await admin.put(f"/api/apps/{APP}/roles/ops/members",
                                json={"users": [], "departments": [], "roles": []})).status_code == 200

        mine = await alice.post(f"/api/apps/{APP}/forms/deals/records", json={"title": "Mine", "amount": "10"})
        assert mine.status_code == 201, mine.text
        theirs = await admin.post(f"/api/apps/{APP}/forms/deals/records", json={"title": "Theirs", "amount": "20"})
        changed = await alice.patch(f"/api/apps/{APP}/forms/deals/records/{mine.json()['id']}",
                                    json={"title": "Mine 2", "version": mine.json()["version"]})
        assert changed.status_code == 200, changed.text
        await admin.post(f"/api/apps/{APP}/forms/customers/records", json={"name": "Other form"})
        assert await run() == 2
        bodies = [json.loads(body) for _, _, body in receiver.seen]
        assert [(b["event"], b["record"]["title"]) for b in bodies] == [("record.created", "Mine"),
                                                                         ("record.updated", "Mine 2")]
        assert theirs.json()["id"] not in [b["record"]["id"] for b in bodies]  # not hers to see
        assert all("cost" not in b["record"] for b in bodies)  # hidden from her
        assert bodies[1]["changed"] == ["title"] and bodies[0]["app"] == APP and bodies[0]["form"] == "deals"
        for (_, key, body), headers in zip(receiver.seen, receiver.headers):
            assert signing.verify(hook["secret"], headers["x-qiqiao-timestamp"], body, headers["x-qiqiao-signature"],
                                  clock.now().timestamp())
            assert not signing.verify("whsec_other", headers["x-qiqiao-timestamp"], body,
                                      headers["x-qiqiao-signature"], clock.now().timestamp())
            assert headers["x-qiqiao-delivery"] == json.loads(body)["id"] and key.endswith(json.loads(body)["id"])
            assert headers["x-qiqiao-event"] == json.loads(body)["event"]


async def test_a_failing_receiver_is_retried_logged_switched_off_and_redelivered(world, run, clock, app):
    admin = world["admin"]
    app.state.settings.webhook_disable_after = 2
    with Receiver(status=500) as receiver:
        hook = await _hook(admin, f"{receiver.url}/erp", ["record.created"])
        made = await admin.post(f"/api/apps/{APP}/forms/customers/records", json={"name": "Acme 2"})
        assert made.status_code == 201
        worker = Worker(app.state.db, clock, app.state.settings.model_copy(update={"outbound_allow_cidrs": ["127.0.0.1/32"]}))
        assert await worker.run_once() == 1
        clock.advance(timedelta(seconds=outbox_module.RETRY_BASE_SECONDS * 2))
        assert await worker.run_once() == 1
        assert receiver.count() == 2
        ids = {json.loads(body)["id"] for _, _, body in receiver.seen}
        assert len(ids) == 1  # a retry is the same delivery
        listed = (await admin.get(HOOKS)).json()["items"][0]
        assert listed["enabled"] is False and listed["failures"] == 2 and "2 failed" in listed["disabled_reason"]
        async with app.state.db.transaction(write=False) as conn:
            told = (await conn.execute(select(notifications.c.kind).where(notifications.c.kind == "webhook.disabled"))).all()
        assert len(told) == 1
        clock.advance(timedelta(seconds=outbox_module.RETRY_BASE_SECONDS * 4))
        assert await worker.run_once() == 1  # switched off: given up for good, nothing sent
        assert receiver.count() == 2

        (delivery,) = (await admin.get(f"{HOOKS}/{hook['id']}/deliveries")).json()["items"]
        assert delivery["status"] == "dead" and delivery["event"] == "record.created"
        assert [(a["attempt"], a["status_code"], a["response_excerpt"]) for a in delivery["attempts"]] == [
            (1, 500, "ok"), (2, 500, "ok")]
        first = delivery["attempts"][0]
        assert first["duration_ms"] >= 0 and first["request"]["url"] == f"{receiver.url}/erp"
        assert hook["secret"] not in json.dumps(delivery)

        receiver.status = 200
        assert (await admin.patch(f"{HOOKS}/{hook['id']}", json={"enabled": True})).json()["failures"] == 0
        again = await admin.post(f"{HOOKS}/{hook['id']}/deliveries/{delivery['outbox_id']}/redeliver")
        assert again.status_code == 202, again.text
        assert await worker.run_once() == 1
        assert receiver.count() == 3 and json.loads(receiver.seen[-1][2])["id"] in ids
    (delivery,) = (await admin.get(f"{HOOKS}/{hook['id']}/deliveries")).json()["items"]
    assert delivery["status"] == "delivered" and [a["status_code"] for a in delivery["attempts"]][-1] == 200


async def test_private_addresses_are_refused_and_bad_settings_say_where(world, run, app):
    admin = world["admin"]
    metadata = await _hook(admin, "http://169.254.169.254/latest/meta-data/", ["record.created"])
    bad = await admin.post(HOOKS, json={"name": "X", "url": "file:///etc/passwd", "events": ["record.created"],
                                        "form_key": "ghosts"})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"url", "form_key"}
    assert (await admin.post(HOOKS, json={"name": "X", "url": "https://a.example", "events": ["nope"]})).status_code == 422
    assert (await admin.post(f"/api/apps/{APP}/forms/customers/records", json={"name": "Acme 3"})).status_code == 201
    worker = Worker(app.state.db, app.state.clock, app.state.settings)  # no loopback allowance at all
    assert await worker.run_once() == 1
    (delivery,) = (await admin.get(f"{HOOKS}/{metadata['id']}/deliveries")).json()["items"]
    assert delivery["status"] == "dead" and delivery["attempts"][0]["status_code"] is None
    assert "169.254.169.254" in delivery["attempts"][0]["request"]["url"] and delivery["attempts"][0]["error"]


async def test_flow_events_are_delivered_and_nothing_leaves_for_a_change_rolled_back(world, run, app):
    admin, bob = world["admin"], world["clients"]["bob"]
    assert (await bob.get(HOOKS)).status_code == 403
    flow = {"key": "note", "name": {"en": "Note"}, "form": "customers",
            "nodes": [{"id": "t", "type": "trigger.record_created", "config": {}}, {"id": "end", "type": "end", "config": {}}],
            "edges": [{"source": "t", "target": "end"}]}
    assert (await admin.post(f"/api/apps/{APP}/flows", json={"key": "note", "name": {"en": "Note"}, "form": "customers",
                                                              "definition": flow})).status_code == 201
    assert (await admin.post(f"/api/apps/{APP}/flows/note/publish", json={})).status_code == 200
    with Receiver() as receiver:
        await _hook(admin, f"{receiver.url}/flows", ["flow.started", "flow.finished"], form_key="customers")
        async with app.state.db.transaction(write=False) as conn:
            before = (await conn.execute(select(func.count()).select_from(outbox))).scalar_one()
        refused = await admin.post(f"/api/apps/{APP}/forms/customers/records", json={"region": "nowhere"})
        assert refused.status_code == 422
        async with app.state.db.transaction(write=False) as conn:
            assert (await conn.execute(select(func.count()).select_from(outbox))).scalar_one() == before
        assert (await admin.post(f"/api/apps/{APP}/forms/customers/records", json={"name": "Flowing"})).status_code == 201
        deadline = time.monotonic() + 10
        while receiver.count() < 2 and time.monotonic() < deadline:
            await run()
        events = [json.loads(body) for _, _, body in receiver.seen]
    assert [e["event"] for e in events] == ["flow.started", "flow.finished"]
    assert events[1]["status"] == "completed" and events[0]["flow"] == "note" and events[0]["form"] == "customers"
