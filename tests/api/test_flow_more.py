"""More flow scenarios over HTTP: buttons, fill-in, CC, urging, comments, batch approval,
delegation, schedules, date triggers, inbound webhooks, sub-flows and automations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from runtime.tables import outbox
from tests.api.test_flows import World, edge, node, publish_flow, users
from tests.factories.forms import choices, field, make_form, publish_form

PASSWORD = "user-Pa55word"


@pytest.fixture
async def world(app, client, make_user, clock):
    people = {}
    for name in ("ann", "bob", "cat", "dan"):
        people[name] = await make_user(name, PASSWORD)
    leads = make_form("leads", [field("name", "text"), field("region", "single_select", options=choices("north", "south")),
                                field("note", "text"), field("due", "date"), field("score", "number")])
    await publish_form(client, "crm", leads)
    tasks = make_form("tasks", [field("subject", "text")])
    await publish_form(client, "crm", tasks, create_app=False)
    w = World(app, client, people, clock)
    yield w
    await w.close()


async def _lead(w, **values):
    response = await w.client.post("/api/apps/crm/forms/leads/records", json={"name": "L", **values})
    assert response.status_code == 201, response.text
    return response.json()


async def test_button_fill_in_cc_urge_comment_and_batch_approve(world):
    w, i = world, world.id
    nodes = [node("t", "trigger.manual"),
             node("fill", "fill", assignees=users(i("ann")), fields={"note": "edit", "score": "hidden"}),
             node("cc", "cc", assignees=users(i("dan"))),
             node("ok", "approval", assignees=users(i("bob"))),
             node("end", "end")]
    await publish_flow(w.client, "crm", "review", "leads", nodes,
                       [edge("t", "fill"), edge("fill", "cc"), edge("cc", "ok"), edge("ok", "end")])
    first, second = await _lead(w, score=5), await _lead(w, name="M")
    started = await w.client.post("/api/apps/crm/flows/review/start", json={"record_ids": [first["id"], second["id"]]})
    assert started.status_code == 200, started.text
    again = await w.client.post("/api/apps/crm/flows/review/start", json={"record_ids": [first["id"]]})
    assert again.status_code == 409 and again.json()["errors"][0]["path"] == "record_ids.0"

    tasks = await w.todo("ann")
    view = (await (await w.as_("ann")).get(f"/api/flow/tasks/{tasks[-1]['id']}")).json()
    assert "score" not in view["record"] and view["fields"]["note"] == "edit"
    stash = await (await w.as_("ann")).post(f"/api/flow/tasks/{tasks[-1]['id']}/stash", json={"values": {"name": "x"}})
    assert stash.status_code == 403 and stash.json()["errors"][0]["path"] == "values.name"
    assert (await w.act("ann", "reject", tasks[-1]["id"], expect=409, comment="no"))["code"] == "cannot_reject"
    for task in tasks:
        record = (await (await w.as_("ann")).get(f"/api/flow/tasks/{task['id']}")).json()["record"]
        await w.act("ann", "submit", task["id"], values={"note": "called"}, version=record["version"])
    got = (await w.client.get(f"/api/apps/crm/forms/leads/records/{first['id']}")).json()
    assert got["note"] == "called"

    cc = (await (await w.as_("dan")).get("/api/flow/inbox?box=cc")).json()["items"]
    assert len(cc) == 2 and cc[0]["status"] == "unread"
    counts = (await (await w.as_("dan")).get("/api/flow/inbox/counts")).json()
    assert counts["cc_unread"] == 2
    # CC grants read access to the record (through the task, and as a share where the app is open to them).
    seen = (await (await w.as_("dan")).get(f"/api/flow/tasks/{cc[0]['id']}")).json()
    assert seen["record"]["name"] in ("L", "M") and seen["operations"] == []
    assert (await (await w.as_("dan")).post(f"/api/flow/tasks/{cc[0]['id']}/read")).status_code == 200
    assert (await (await w.as_("cat")).get(f"/api/flow/tasks/{cc[0]['id']}")).status_code == 404

    instance = cc[0]["instance_id"]
    urged = await w.client.post(f"/api/flow/instances/{instance}/urge")
    assert urged.status_code == 200 and urged.json()["urged"] == [i("bob")]
    assert (await w.client.post(f"/api/flow/instances/{instance}/urge")).status_code == 429
    said = await w.client.post(f"/api/flow/instances/{instance}/comments", json={"body": "@cat look", "mentions": [i("cat")]})
    assert said.status_code == 200
    notes = (await (await w.as_("cat")).get("/api/notifications")).json()["items"]
    assert [n["kind"] for n in notes] == ["flow.mention"]
    assert (await (await w.as_("cat")).get(f"/api/flow/instances/{instance}")).status_code == 404

    ids = [t["id"] for t in await w.todo("bob")]
    batch = await (await w.as_("bob")).post("/api/flow/tasks/batch-approve", json={"ids": ids + [999999]})
    assert sorted(batch.json()["approved"]) == sorted(ids) and batch.json()["failed"][0]["id"] == 999999
    assert (await (await w.as_("ann")).get("/api/flow/inbox?box=initiated")).json()["items"] == []
    initiated = (await w.client.get("/api/flow/inbox?box=initiated")).json()["items"]
    assert {r["status"] for r in initiated} == {"completed"}


async def test_delegation_sends_new_tasks_to_the_deputy(world, clock):
    w, i = world, world.id
    today = clock.now().date()
    made = await (await w.as_("bob")).post("/api/flow/delegations", json={
        "deputy_id": i("cat"), "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=7)).isoformat()})
    assert made.status_code == 201, made.text
    bad = await (await w.as_("bob")).post("/api/flow/delegations", json={
        "deputy_id": i("cat"), "starts_on": today.isoformat(), "ends_on": today.isoformat(), "user_id": i("ann")})
    assert bad.status_code == 403
    nodes = [node("t", "trigger.manual"), node("ok", "approval", assignees=users(i("bob"))), node("end", "end")]
    await publish_flow(w.client, "crm", "away", "leads", nodes, [edge("t", "ok"), edge("ok", "end")])
    lead = await _lead(w)
    await w.client.post("/api/apps/crm/flows/away/start", json={"record_ids": [lead["id"]]})
    assert await w.todo("bob") == []
    (task,) = await w.todo("cat")
    assert task["delegated_from"] == i("bob")


async def test_schedule_date_trigger_assign_owner_and_notify(world, client):
    w, i = world, world.id
    role = await client.post("/api/apps/crm/roles", json={"key": "sales", "name": "Sales"})
    assert role.status_code == 201, role.text
    members = await client.put("/api/apps/crm/roles/sales/members", json={"users": [i("ann"), i("bob")]})
    assert members.status_code == 200, members.text
    assign = [node("t", "trigger.record_created"), node("own", "assign_owner", strategy="round_robin", role="sales"),
              node("tell", "notify", assignees=users(i("dan")),
                   title={"en": "New lead {name}", "zh-CN": "新线索 {name}"}),
              node("end", "end")]
    await publish_flow(w.client, "crm", "assign", "leads", assign, [edge("t", "own"), edge("own", "tell"), edge("tell", "end")])
    a, b, c = await _lead(w, name="A"), await _lead(w, name="B"), await _lead(w, name="C")
    await w.work()
    owners = [(await w.client.get(f"/api/apps/crm/forms/leads/records/{r['id']}")).json()["owner_id"] for r in (a, b, c)]
    assert owners == [i("ann"), i("bob"), i("ann")]
    titles = [n["title"]["en"] for n in (await (await w.as_("dan")).get("/api/notifications")).json()["items"]]
    assert sorted(titles) == ["New lead A", "New lead B", "New lead C"]

    # 2 days before `due`, at 09:00 local time, a to-do for the owner's manager.
    due = (w.clock.now() + timedelta(days=3)).date()
    await _lead(w, name="D", due=due.isoformat())
    dated = [node("t", "trigger.date", field="due", offset_days=-2, at="09:00"),
             node("todo", "create_todo", assignees=users(i("cat")), title={"en": "Renew {name}"}), node("end", "end")]
    await publish_flow(w.client, "crm", "renew", "leads", dated, [edge("t", "todo"), edge("todo", "end")])
    cron = [node("t", "trigger.schedule", cron="0 8 * * *"), node("todo", "create_todo", assignees=users(i("dan")),
                                                                    title={"en": "Daily check"}), node("end", "end")]
    await publish_flow(w.client, "crm", "daily", None, cron, [edge("t", "todo"), edge("todo", "end")])
    await w.work()  # arms the clocks
    for _ in range(3):
        w.clock.advance(timedelta(days=1))
        await w.work()
        await w.work()
    assert [t["title"] for t in await w.todo("cat")] == ["Renew D"]
    assert [t["title"] for t in await w.todo("dan")] == ["Daily check"] * 3


async def test_inbound_webhook_creates_a_record_and_subflow_runs(world, anon):
    w, i = world, world.id
    child = [node("t", "trigger.manual"), node("ok", "approval", assignees=users(i("ann"))), node("end", "end")]
    await publish_flow(w.client, "crm", "child", "leads", child, [edge("t", "ok"), edge("ok", "end")])
    parent = [node("t", "trigger.webhook", create_record=True), node("sub", "subflow", flow="child"),
              node("mk", "create_record", form="tasks", values={"subject": 'CONCAT("Follow ", name)'}),
              node("end", "end")]
    published = await publish_flow(w.client, "crm", "inbound", "leads", parent,
                                   [edge("t", "sub"), edge("sub", "mk"), edge("mk", "end")])
    secret = published.get("webhook_secret")
    assert secret
    wrong = await anon.post("/api/hooks/flows/crm/inbound", json={"name": "Web"}, headers={"X-Qiqiao-Secret": "nope"})
    assert wrong.status_code == 404
    bad = await anon.post("/api/hooks/flows/crm/inbound", json={"name": "Web", "score": "many"},
                          headers={"X-Qiqiao-Secret": secret})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "score"
    hooked = await anon.post("/api/hooks/flows/crm/inbound", json={"name": "Web"}, headers={"X-Qiqiao-Secret": secret})
    assert hooked.status_code == 202, hooked.text
    await w.act("ann", "approve")  # the sub-flow's task; the parent waits for it
    await w.work()
    subjects = [r["subject"] for r in (await w.client.get("/api/apps/crm/forms/tasks/records")).json()["items"]]
    assert subjects == ["Follow Web"]


async def test_http_step_goes_through_the_outbox(world):
    w = world
    nodes = [node("t", "trigger.record_created"),
             node("call", "http", url="https://erp.example.com/leads", body='{"name": "{name}"}'), node("end", "end")]
    await publish_flow(w.client, "crm", "push", "leads", nodes, [edge("t", "call"), edge("call", "end")])
    await _lead(w, name="Z")
    await w.work()
    async with w.app.state.db.transaction(write=False) as conn:
        rows = (await conn.execute(select(outbox.c.kind, outbox.c.payload, outbox.c.idempotency_key))).all()
    assert rows and rows[0].kind == "http" and rows[0].payload["body"] == '{"name": "Z"}'
    assert rows[0].idempotency_key.startswith("flow:")



async def test_two_workers_drain_flow_steps_exactly_once(world, backend, settings):
    """Two worker processes' worth of engines against one database: every delay fires and every
    create-record step runs exactly once."""
    if backend != "postgresql":
        pytest.skip("several workers claim side by side on PostgreSQL; SQLite has one writer")
    import asyncio

    from core.db import Database
    from runtime.worker.loop import Worker

    w = world
    nodes = [node("t", "trigger.record_created"), node("wait", "delay", duration={"amount": 1, "unit": "minutes"}),
             node("mk", "create_record", form="tasks", values={"subject": "name"}), node("end", "end")]
    await publish_flow(w.client, "crm", "later", "leads", nodes, [edge("t", "wait"), edge("wait", "mk"), edge("mk", "end")])
    count = 120
    response = await w.client.post("/api/apps/crm/forms/leads/records/bulk",
                                   json={"items": [{"name": f"n{i}"} for i in range(count)]})
    assert response.status_code == 201, response.text
    await w.work()  # the instances start and wait on their delays
    w.clock.advance(timedelta(minutes=2))
    databases = [Database(settings.database_url) for _ in range(2)]
    try:
        workers = [Worker(db, w.clock, settings, name=f"w{i}") for i, db in enumerate(databases)]

        async def drain(worker):
            total = 0
            for _ in range(200):
                done = await worker.run_once()
                total += done
                if not done:
                    await asyncio.sleep(0.01)
                    if not await worker.run_once():
                        break
            return total

        await asyncio.gather(*(drain(worker) for worker in workers))
    finally:
        for db in databases:
            await db.dispose()
    subjects = [r["subject"] for r in (await w.client.get("/api/apps/crm/forms/tasks/records?limit=500")).json()["items"]]
    assert sorted(subjects) == sorted(f"n{i}" for i in range(count))
    async with w.app.state.db.transaction(write=False) as conn:
        from runtime.tables import flow_events, flow_instances

        statuses = [r[0] for r in await conn.execute(select(flow_instances.c.status))]
        finished = [r[0] for r in await conn.execute(select(flow_events.c.instance_id).where(flow_events.c.kind == "finished"))]
    assert statuses == ["completed"] * count and len(finished) == len(set(finished)) == count


async def test_modes_rules_table_least_loaded_deleted_trigger_and_add_signer_after(world, client):
    """Sequential and ratio approval over HTTP, the rule-table and least-loaded owner strategies,
    a flow started by a deletion, and signers added after oneself."""
    w, i = world, world.id
    nodes = [node("t", "trigger.manual"),
             node("seq", "approval", assignees=users(i("ann"), i("bob")), mode="sequential"),
             node("ratio", "approval", assignees=users(i("ann"), i("bob"), i("cat")), mode="ratio",
                  mode_options={"min_approvals": 2}),
             node("end", "end")]
    await publish_flow(w.client, "crm", "modes", "leads", nodes, [edge("t", "seq"), edge("seq", "ratio"), edge("ratio", "end")])
    lead = await _lead(w)
    await w.client.post("/api/apps/crm/flows/modes/start", json={"record_ids": [lead["id"]]})
    assert await w.todo("bob") == []  # sequential: bob after ann
    await w.act("ann", "add-signers", users=[i("dan")], position="after")
    assert await w.todo("bob") == []  # dan, added after ann, must approve first
    await w.act("dan", "approve")
    await w.act("bob", "approve")
    await w.act("ann", "approve")
    assert len(await w.todo("cat")) == 1
    await w.act("cat", "approve")  # two of three: the ratio is met, bob's task closes
    assert await w.todo("bob") == []
    flows = (await w.client.get(f"/api/apps/crm/forms/leads/records/{lead['id']}/flows")).json()["items"]
    assert flows[0]["status"] == "completed"

    await client.post("/api/apps/crm/roles", json={"key": "reps", "name": "Reps"})
    await client.put("/api/apps/crm/roles/reps/members", json={"users": [i("ann"), i("bob")]})
    rules = [node("t", "trigger.record_created", condition="NOT ISBLANK(region)"),
             node("own", "assign_owner", strategy="rules", rules=[{"when": 'region = "north"', "user": i("cat")}],
                  default_user=i("dan")),
             node("end", "end")]
    await publish_flow(w.client, "crm", "regions", "leads", rules, [edge("t", "own"), edge("own", "end")])
    north, south = await _lead(w, region="north"), await _lead(w, region="south")
    await w.work()
    owner = {r["id"]: r["owner_id"] for r in (await w.client.get("/api/apps/crm/forms/leads/records?limit=100")).json()["items"]}
    assert owner[north["id"]] == i("cat") and owner[south["id"]] == i("dan")

    await client.patch("/api/apps/crm/flows/regions", json={"enabled": False})
    loaded = [node("t", "trigger.record_created"), node("own", "assign_owner", strategy="least_loaded", role="reps"),
              node("end", "end")]
    await publish_flow(w.client, "crm", "balance", "leads", loaded, [edge("t", "own"), edge("own", "end")])
    first = await _lead(w, name="first")
    await w.work()
    second = await _lead(w, name="second")
    await w.work()
    owner = {r["id"]: r["owner_id"] for r in (await w.client.get("/api/apps/crm/forms/leads/records?limit=100")).json()["items"]}
    assert {owner[first["id"]], owner[second["id"]]} == {i("ann"), i("bob")}

    gone = [node("t", "trigger.record_deleted"),
            node("log", "create_record", form="tasks", values={"subject": 'CONCAT("deleted ", name)'}), node("end", "end")]
    await publish_flow(w.client, "crm", "gone", "leads", gone, [edge("t", "log"), edge("log", "end")])
    assert (await w.client.delete(f"/api/apps/crm/forms/leads/records/{first['id']}")).status_code == 204
    await w.work()
    subjects = [r["subject"] for r in (await w.client.get("/api/apps/crm/forms/tasks/records")).json()["items"]]
    assert subjects == ["deleted first"]
    cleanup = [node("t", "trigger.manual"), node("rm", "delete_record", target="query", form="tasks",
                                                   filter={"field": "subject", "op": "starts_with", "value": "deleted"}),
               node("end", "end")]
    await publish_flow(w.client, "crm", "cleanup", "leads", cleanup, [edge("t", "rm"), edge("rm", "end")])
    await w.client.post("/api/apps/crm/flows/cleanup/start", json={"record_ids": [second["id"]]})
    await w.work()
    assert (await w.client.get("/api/apps/crm/forms/tasks/records")).json()["items"] == []
