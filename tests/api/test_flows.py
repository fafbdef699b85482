"""Flows end to end over HTTP, on SQLite and PostgreSQL: people act on their tasks through the
API, the worker fires timers and runs automation steps, and the record follows the flow."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from runtime.worker.loop import Worker
from tests.conftest import make_client, sign_in
from tests.factories.forms import choices, field, make_form, publish_form

PASSWORD = "user-Pa55word"


def node(id, type, **config):
    return {"id": id, "type": type, "config": config}


def edge(a, b, **extra):
    return {"source": a, "target": b, **extra}


def users(*ids):
    return [{"kind": "users", "users": list(ids)}]


async def publish_flow(client, app, key, form, nodes, edges, **settings):
    definition = {"key": key, "name": {"en": key, "zh-CN": key}, "form": form, "nodes": nodes, "edges": edges,
                  "settings": settings}
    created = await client.post(f"/api/apps/{app}/flows", json={"key": key, "name": {"en": key}, "form": form,
                                                                 "definition": definition})
    assert created.status_code == 201, created.text
    published = await client.post(f"/api/apps/{app}/flows/{key}/publish", json={})
    assert published.status_code == 200, published.text
    return published.json()


class World:
    def __init__(self, app, client, people, clock):
        self.app, self.client, self.people, self.clock = app, client, people, clock
        self.sessions: dict[str, object] = {}

    async def as_(self, name):
        if name not in self.sessions:
            self.sessions[name] = await sign_in(make_client(self.app), name, PASSWORD)
        return self.sessions[name]

    def id(self, name):
        return self.people[name]["id"]

    async def work(self):
        worker = Worker(self.app.state.db, self.clock, self.app.state.settings)
        total = 0
        while (done := await worker.run_once()):
            total += done
        return total

    async def todo(self, name):
        body = (await (await self.as_(name)).get("/api/flow/inbox?box=todo")).json()
        return body["items"]

    async def act(self, name, action, task_id=None, expect=200, **body):
        if task_id is None:
            (task,) = await self.todo(name)
            task_id = task["id"]
        response = await (await self.as_(name)).post(f"/api/flow/tasks/{task_id}/{action}", json=body)
        assert response.status_code == expect, response.text
        return response.json()

    async def close(self):
        for session in self.sessions.values():
            await session.aclose()


@pytest.fixture
async def world(app, client, make_user, clock):
    people = {}
    for name in ("tech1", "tech2", "buyer", "finance", "gm", "rep", "deputy"):
        people[name] = await make_user(name, PASSWORD)
    orders = make_form("orders", [field("title", "text"), field("amount", "number"),
                                  field("stage", "single_select", options=choices("draft", "sent", "won"))])
    await publish_form(client, "shop", orders)
    contracts = make_form("contracts", [field("title", "text"), field("amount", "number")])
    await publish_form(client, "shop", contracts, create_app=False)
    w = World(app, client, people, clock)
    yield w
    await w.close()


async def order_review(w: World, hold=False):
    i = w.id
    nodes = [
        node("t", "trigger.submit", hold=hold),
        node("split", "parallel"),
        node("tech", "approval", assignees=users(i("tech1"), i("tech2")), mode="all"),
        node("buy", "approval", assignees=users(i("buyer"))),
        node("join", "join"),
        node("finance", "approval", assignees=users(i("finance")), fields={"amount": "edit"}),
        node("big", "condition"),
        node("gm", "approval", assignees=users(i("gm"))),
        node("contract", "create_record", form="contracts", values={"title": 'CONCAT("HT-", title)', "amount": "amount"}),
        node("end", "end"),
    ]
    edges = [edge("t", "split"), edge("split", "tech"), edge("split", "buy"), edge("tech", "join"), edge("buy", "join"),
             edge("join", "finance"), edge("finance", "big"), edge("big", "gm", condition="amount > 500000"),
             edge("big", "contract", default=True), edge("gm", "contract"), edge("contract", "end")]
    await publish_flow(w.client, "shop", "review", "orders", nodes, edges, title="Order {title}")


async def test_seed_order_review_over_500k(world):
    w = world
    await order_review(w)
    created = await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "Big", "amount": 600000})
    assert created.status_code == 201, created.text
    record = created.json()
    got = (await w.client.get(f"/api/apps/shop/forms/orders/records/{record['id']}")).json()
    assert got["flow_status"] == "running"

    assert [t["title"] for t in await w.todo("tech1")] == ["Order Big"]
    assert await w.todo("finance") == []
    for name in ("tech1", "buyer"):
        await w.act(name, "approve", comment="ok")
    assert await w.todo("finance") == []  # countersign: tech2 still to approve
    await w.act("tech2", "approve")
    # Finance may change only the fields the step makes editable, with the record's version.
    (task,) = await w.todo("finance")
    view = (await (await w.as_("finance")).get(f"/api/flow/tasks/{task['id']}")).json()
    assert view["fields"]["amount"] == "edit" and view["fields"]["title"] == "read"
    assert "approve" in view["operations"] and view["record"]["amount"] in ("600000", 600000, "600000.0")
    refused = await w.act("finance", "approve", task["id"], expect=403, values={"title": "Hacked"}, version=1)
    assert refused["errors"][0]["path"] == "values.title"
    await w.act("finance", "approve", task["id"], values={"amount": 650000}, version=view["record"]["version"])
    await w.act("gm", "approve", comment="go")
    assert await w.work() >= 1  # the worker runs the create-record step
    contracts = (await w.client.get("/api/apps/shop/forms/contracts/records")).json()["items"]
    assert [(c["title"], str(c["amount"]).split(".")[0]) for c in contracts] == [("HT-Big", "650000")]
    got = (await w.client.get(f"/api/apps/shop/forms/orders/records/{record['id']}")).json()
    assert got["flow_status"] == "approved"
    flows = (await w.client.get(f"/api/apps/shop/forms/orders/records/{record['id']}/flows")).json()["items"]
    kinds = [e["kind"] for e in flows[0]["timeline"]]
    assert kinds[0] == "started" and kinds[-1] == "finished" and "automated" in kinds
    assert flows[0]["status"] == "approved"
    done = (await (await w.as_("gm")).get("/api/flow/inbox?box=done")).json()["items"]
    assert [t["status"] for t in done] == ["approved"]


async def test_small_order_skips_gm_and_reject_needs_a_reason(world):
    w = world
    await order_review(w)
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "Small", "amount": 100})
    problem = await w.act("buyer", "reject", expect=409)
    assert problem["code"] == "comment_required" and problem["detail_zh"]
    await w.act("buyer", "reject", comment="no budget")
    assert await w.todo("tech1") == []  # the rejection closed every other task
    items = (await w.client.get("/api/apps/shop/forms/orders/records")).json()["items"]
    assert items[0]["flow_status"] == "rejected"


async def test_someone_elses_task_is_404_and_double_approve_is_one_transition(world, backend):
    w = world
    await order_review(w)
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "X", "amount": 1})
    (task,) = await w.todo("buyer")
    await w.act("tech1", "approve", task["id"], expect=404)
    session = await w.as_("buyer")
    answers = await asyncio.gather(*[session.post(f"/api/flow/tasks/{task['id']}/approve", json={}) for _ in range(2)])
    assert sorted(a.status_code for a in answers) == [200, 409]
    timeline = (await w.client.get(f"/api/flow/instances/{task['instance_id']}")).json()["timeline"]
    assert [e["kind"] for e in timeline].count("approved") == 1


async def test_send_back_resubmit_transfer_add_signer_and_withdraw(world):
    w = world
    i = w.id
    nodes = [node("t", "trigger.submit"), node("a", "approval", assignees=users(i("tech1"))),
             node("b", "approval", assignees=users(i("finance"))), node("end", "end")]
    await publish_flow(w.client, "shop", "line", "orders", nodes, [edge("t", "a"), edge("a", "b"), edge("b", "end")])
    record = (await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "R", "amount": 5})).json()
    await w.act("tech1", "approve")
    await w.act("finance", "send-back", target="initiator", comment="fix it")
    got = (await w.client.get(f"/api/apps/shop/forms/orders/records/{record['id']}")).json()
    assert got["flow_status"] == "returned"
    (resubmit,) = (await w.client.get("/api/flow/inbox?box=todo")).json()["items"]
    assert resubmit["kind"] == "resubmit"
    await w.act("tech1", "resubmit", resubmit["id"], expect=404)  # only the initiator holds it
    response = await w.client.post(f"/api/flow/tasks/{resubmit['id']}/resubmit",
                                   json={"values": {"amount": 6}, "version": got["version"]})
    assert response.status_code == 200, response.text
    # Transfer to the deputy, who adds the buyer before themself.
    await w.act("tech1", "transfer", to=i("deputy"), comment="on leave")
    await w.act("deputy", "add-signers", users=[i("buyer")], position="before")
    assert await w.todo("deputy") == []
    await w.act("buyer", "approve")
    await w.act("deputy", "approve")
    await w.act("finance", "send-back", target="previous", comment="once more")
    await w.act("tech1", "approve")  # the step starts afresh with its own approver
    await w.act("finance", "approve")
    got = (await w.client.get(f"/api/apps/shop/forms/orders/records/{record['id']}")).json()
    assert got["flow_status"] == "approved" and str(got["amount"]).startswith("6")

    # Withdraw works only before anyone acted.
    second = (await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "W", "amount": 1})).json()
    flows = (await w.client.get(f"/api/apps/shop/forms/orders/records/{second['id']}/flows")).json()["items"]
    withdrawn = await w.client.post(f"/api/flow/instances/{flows[0]['id']}/withdraw", json={"comment": "oops"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert await w.todo("tech1") == []


async def test_timeout_reminds_then_escalates_to_the_department_head(world, client):
    w = world
    dept = (await client.post("/api/admin/departments", json={"name": "Sales", "head_user_id": w.id("gm")})).json()
    await client.patch(f"/api/admin/users/{w.id('rep')}", json={"department_ids": [dept["id"]]})
    nodes = [node("t", "trigger.submit"),
             node("a", "approval", assignees=users(w.id("rep")),
                  timeout={"after": {"amount": 4, "unit": "hours"}, "reminders": [{"amount": 2, "unit": "hours"}],
                           "action": "escalate"}),
             node("end", "end")]
    await publish_flow(w.client, "shop", "sla", "orders", nodes, [edge("t", "a"), edge("a", "end")])
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "S", "amount": 1})
    (task,) = await w.todo("rep")
    assert task["due_at"] is not None
    w.clock.advance(timedelta(hours=2, minutes=1))
    await w.work()
    notes = (await (await w.as_("rep")).get("/api/notifications")).json()["items"]
    assert any(n["kind"] == "flow.remind" for n in notes)
    w.clock.advance(timedelta(hours=2))
    await w.work()
    assert await w.todo("rep") == [] and len(await w.todo("gm")) == 1
    await w.act("gm", "approve")


async def test_quote_sent_then_three_days_later_a_todo_for_the_owner(world):
    w = world
    nodes = [node("t", "trigger.field_changed", fields=["stage"], condition='stage = "sent"'),
             node("wait", "delay", duration={"amount": 3, "unit": "days"}),
             node("call", "create_todo", assignees=[{"kind": "users", "users": [w.id("rep")]}],
                  title={"en": "Call about {title}", "zh-CN": "回访 {title}"}),
             node("end", "end")]
    await publish_flow(w.client, "shop", "followup", "orders", nodes,
                       [edge("t", "wait"), edge("wait", "call"), edge("call", "end")])
    record = (await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "Q1", "stage": "draft"})).json()
    await w.work()
    response = await w.client.patch(f"/api/apps/shop/forms/orders/records/{record['id']}",
                                    json={"version": record["version"], "stage": "sent"})
    assert response.status_code == 200, response.text
    await w.work()  # starts the instance, which waits
    assert await w.todo("rep") == []
    w.clock.advance(timedelta(days=3, seconds=1))
    await w.work()
    (todo,) = await w.todo("rep")
    assert todo["kind"] == "todo" and todo["title"] == "回访 Q1"
    done = await (await w.as_("rep")).post(f"/api/flow/tasks/{todo['id']}/done")
    assert done.status_code == 200 and await w.todo("rep") == []


async def test_approve_before_save_keeps_the_record_out_of_lists(world):
    w = world
    nodes = [node("t", "trigger.submit", hold=True), node("a", "approval", assignees=users(w.id("gm"))), node("end", "end")]
    await publish_flow(w.client, "shop", "held", "orders", nodes, [edge("t", "a"), edge("a", "end")])
    record = (await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "H", "amount": 1})).json()
    assert (await w.client.get("/api/apps/shop/forms/orders/records")).json()["items"] == []
    await w.act("gm", "approve")
    items = (await w.client.get("/api/apps/shop/forms/orders/records")).json()["items"]
    assert [r["id"] for r in items] == [record["id"]]


async def test_failed_automation_is_visible_and_retryable(world):
    w = world
    nodes = [node("t", "trigger.record_created"),
             node("bad", "update_record", values={"stage": '"bogus"'}), node("end", "end")]
    await publish_flow(w.client, "shop", "broken", "orders", nodes, [edge("t", "bad"), edge("bad", "end")])
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "F", "amount": 2})
    await w.work()
    failed = (await w.client.get("/api/apps/shop/flow-instances?status=failed")).json()["items"]
    assert len(failed) == 1 and failed[0]["error"]["node"] == "bad"
    retried = await w.client.post(f"/api/flow/instances/{failed[0]['id']}/retry")
    assert retried.status_code == 200, retried.text
    terminated = await w.client.post(f"/api/flow/instances/{failed[0]['id']}/terminate", json={"comment": "stop"})
    assert terminated.json()["status"] == "terminated"
    outsider = await w.as_("rep")
    assert (await outsider.get(f"/api/flow/instances/{failed[0]['id']}")).status_code == 404
    assert (await outsider.get("/api/apps/shop/flow-instances")).status_code == 403


async def test_initiator_picks_the_approver_when_submitting_a_draft(world):
    w = world
    nodes = [node("t", "trigger.submit"), node("a", "approval", assignees=[{"kind": "chosen"}], empty="fail"),
             node("end", "end")]
    await publish_flow(w.client, "shop", "pick", "orders", nodes, [edge("t", "a"), edge("a", "end")])
    draft = await w.client.post("/api/apps/shop/forms/orders/records?draft=true", json={"title": "D"})
    assert draft.status_code == 201, draft.text
    assert await w.todo("gm") == []  # a draft starts nothing
    started = await w.client.post("/api/apps/shop/flows/pick/start",
                                  json={"record_ids": [draft.json()["id"]], "chosen": {"a": [w.id("gm")]}})
    assert started.status_code == 200, started.text
    assert len(started.json()["started"]) == 1
    (task,) = await w.todo("gm")
    signature = await w.act("gm", "approve", task["id"], expect=422, signature="not-a-file-of-mine")
    assert signature["errors"][0]["path"] == "signature"
    await w.act("gm", "approve", task["id"])
    got = (await w.client.get(f"/api/apps/shop/forms/orders/records/{draft.json()['id']}")).json()
    assert got["flow_status"] == "approved" and got["draft"] is False


async def test_a_new_version_never_changes_a_running_instance(world):
    w, i = world, world.id
    nodes = [node("t", "trigger.submit"), node("a", "approval", assignees=users(i("tech1"))), node("end", "end")]
    await publish_flow(w.client, "shop", "pin", "orders", nodes, [edge("t", "a"), edge("a", "end")])
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "v1", "amount": 1})
    nodes[1] = node("a", "approval", assignees=users(i("gm")))
    draft = {"key": "pin", "name": {"en": "pin"}, "form": "orders", "nodes": nodes,
             "edges": [edge("t", "a"), edge("a", "end")]}
    assert (await w.client.put("/api/apps/shop/flows/pin/draft", json={"definition": draft})).status_code == 200
    assert (await w.client.post("/api/apps/shop/flows/pin/publish", json={})).status_code == 200
    await w.client.post("/api/apps/shop/forms/orders/records", json={"title": "v2", "amount": 1})
    assert [t["title"] for t in await w.todo("gm")] == ["pin"]  # the new record follows version 2
    (task,) = await w.todo("tech1")  # the running one stays on version 1
    view = (await (await w.as_("tech1")).get(f"/api/flow/tasks/{task['id']}")).json()
    assert view["instance"]["flow_version"] == 1
    await w.act("tech1", "approve")
    assert view["instance"]["status"] == "running"
