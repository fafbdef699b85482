"""Designing flows: drafts with optimistic revisions, checks with exact paths, immutable published
versions, webhook secrets shown once, the node-type catalogue and the working calendars."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from sqlalchemy import select, update

from engines.flow.calendar import DEFAULT_CALENDAR
from runtime.flows.definitions import calendar, compiled_flow, flow_row, published_flows
from runtime.identity.secrets import token_digest
from runtime.tables import apps, flow_instances, flows
from tests.factories.forms import field, make_form, publish_form

FLOWS = "/api/apps/sales/flows"
ORDERS = make_form("orders", [field("title"), field("amount", "number")])


def node(id: str, type_: str, **config) -> dict:
    return {"id": id, "type": type_, "config": config}


def edge(source: str, target: str, **extra) -> dict:
    return {"source": source, "target": target, **extra}


def review(threshold: int = 500_000) -> dict:
    """Sales submits → the boss approves → over the threshold the general manager too → end."""
    return {
        "key": "review", "name": {"zh-CN": "订单评审", "en": "Order review"}, "form": "orders",
        "nodes": [
            node("start", "trigger.submit"),
            node("boss", "approval", assignees=[{"kind": "initiator"}], fields={"amount": "read"}),
            node("check", "condition"),
            node("gm", "approval", assignees=[{"kind": "initiator"}], mode="all"),
            node("done", "end"),
        ],
        "edges": [
            edge("start", "boss"), edge("boss", "check"),
            edge("check", "gm", condition=f"amount > {threshold}"), edge("check", "done", default=True),
            edge("gm", "done"),
        ],
    }


def broken_review() -> dict:
    """An unknown field in the boss's field rights, a text compared with a number, no default branch."""
    definition = review()
    definition["nodes"][1]["config"]["fields"] = {"ghost": "edit"}
    definition["edges"][2]["condition"] = 'amount > "lots"'
    definition["edges"][3] = edge("check", "done", condition="amount <= 500000")
    return definition


BROKEN_PATHS = {"nodes.1.config.fields.ghost", "edges.2.condition", "nodes.2"}


def webhook_flow(key: str = "inbound") -> dict:
    return {"key": key, "name": {"en": "Inbound"}, "nodes": [node("hook", "trigger.webhook"), node("done", "end")],
            "edges": [edge("hook", "done")]}


@pytest.fixture
async def sales(client):
    await publish_form(client, "sales", ORDERS)
    return client


async def _create(client, definition: dict) -> dict:
    body = {"key": definition["key"], "name": definition["name"], "form": definition.get("form"),
            "definition": {k: definition[k] for k in ("nodes", "edges")}}
    response = await client.post(FLOWS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _save(client, definition: dict, revision: int | None = None, key: str = "review"):
    return await client.put(f"{FLOWS}/{key}/draft", json={"definition": definition, "draft_revision": revision})


async def _app_stamp(app):
    async with app.state.db.transaction(write=False) as conn:
        return (await conn.execute(select(apps.c.updated_at).where(apps.c.key == "sales"))).scalar_one()


async def _publish(client, key: str) -> dict:
    response = await client.post(f"{FLOWS}/{key}/publish")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_new_flow_starts_as_a_valid_draft_of_a_trigger_and_an_end(sales):
    response = await sales.post(FLOWS, json={"key": "approve", "name": {"zh-CN": "审批"}, "form": "orders"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["draft_revision"] == 1 and created["published_version"] is None and created["problems"] == []
    assert [n["type"] for n in created["draft"]["nodes"]] == ["trigger.submit", "end"]
    assert (await sales.post(FLOWS, json={"key": "approve", "name": {"en": "Again"}})).status_code == 409
    listed = (await sales.get(FLOWS)).json()["items"]
    assert [(f["key"], f["form"], f["enabled"]) for f in listed] == [("approve", "orders", True)]


async def test_draft_revisions_checks_and_immutable_versions(sales, app):
    await _create(sales, review())

    saved = await _save(sales, broken_review(), revision=1)
    assert saved.status_code == 200, saved.text
    assert saved.json()["draft_revision"] == 2
    assert {p["path"] for p in saved.json()["problems"]} == BROKEN_PATHS

    stale = await _save(sales, review(), revision=1)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_draft"
    assert (await sales.get(f"{FLOWS}/review")).json()["draft_revision"] == 2  # unchanged

    checked = (await sales.post(f"{FLOWS}/review/validate")).json()
    assert checked["valid"] is False
    problems = {p["path"]: p for p in checked["problems"]}
    assert set(problems) == BROKEN_PATHS
    assert problems["nodes.1.config.fields.ghost"]["code"] == "unknown_field"
    assert problems["edges.2.condition"]["code"] == "operand_types" and "position" in problems["edges.2.condition"]
    assert problems["nodes.2"]["code"] == "default_branch" and problems["nodes.2"]["message_zh"]

    refused = await sales.post(f"{FLOWS}/review/publish")
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json()["errors"]} == BROKEN_PATHS
    assert (await sales.get(f"{FLOWS}/review")).json()["published_version"] is None

    stamp = await _app_stamp(app)
    assert (await _save(sales, review(), revision=2)).json()["problems"] == []
    first = await _publish(sales, "review")
    assert first == {"version": 1, "trigger_type": "trigger.submit", "form_key": "orders"}
    assert await _app_stamp(app) > stamp  # every process's caches of the app's definitions move on

    assert (await _save(sales, review(threshold=100_000))).status_code == 200
    assert (await _publish(sales, "review"))["version"] == 2

    got = (await sales.get(f"{FLOWS}/review")).json()
    assert got["published_version"] == 2 and got["form_key"] == "orders" and got["trigger_type"] == "trigger.submit"
    assert got["published"]["edges"][2]["condition"] == "amount > 100000"
    versions = (await sales.get(f"{FLOWS}/review/versions")).json()["items"]
    assert [v["version"] for v in versions] == [2, 1]
    v1 = (await sales.get(f"{FLOWS}/review/versions/1")).json()
    assert v1["definition"]["edges"][2]["condition"] == "amount > 500000"
    assert (await sales.get(f"{FLOWS}/review/versions/3")).status_code == 404

    async with app.state.db.transaction(write=False) as conn:
        app_row = dict((await conn.execute(select(apps).where(apps.c.key == "sales"))).mappings().one())
        row = await flow_row(conn, app_row["id"], "review")
        old = await compiled_flow(conn, app_row, row, 1)
        assert old.definition.edges[2].condition == "amount > 500000"
        assert [f["key"] for f in await published_flows(conn, app_row["id"], "orders")] == ["review"]
        assert await published_flows(conn, app_row["id"], "other") == []

    audit = (await sales.get("/api/admin/audit", params={"action": "flow.publish"})).json()["items"]
    assert [a["after"]["version"] for a in audit] == [2, 1]


async def test_a_draft_keeps_its_key_and_its_shape(sales):
    await _create(sales, review())
    renamed = await _save(sales, {**review(), "key": "other"})
    assert renamed.status_code == 422 and renamed.json()["errors"][0]["path"] == "definition.key"
    shapeless = copy.deepcopy(review())
    shapeless["nodes"][1]["id"] = "1 bad id"
    response = await _save(sales, shapeless)
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "definition.nodes.1.id"


async def test_only_the_apps_administrators_design_flows(sales, make_user, login):
    await _create(sales, review())
    bob = await make_user("bob")
    role = await sales.post("/api/apps/sales/roles", json={"key": "clerks", "name": "Clerks"})
    assert role.status_code == 201, role.text
    members = await sales.put("/api/apps/sales/roles/clerks/members", json={"users": [bob["id"]]})
    assert members.status_code == 200, members.text
    as_bob = await login("bob", "user-Pa55word")
    assert (await as_bob.get("/api/apps/sales")).status_code == 200  # bob sees the app…
    for method, path, body in [
        ("GET", FLOWS, None), ("POST", FLOWS, {"key": "mine", "name": {"en": "Mine"}}),
        ("GET", f"{FLOWS}/review", None), ("PUT", f"{FLOWS}/review/draft", {"definition": review()}),
        ("POST", f"{FLOWS}/review/validate", None), ("POST", f"{FLOWS}/review/publish", None),
        ("GET", f"{FLOWS}/review/versions", None), ("PATCH", f"{FLOWS}/review", {"enabled": False}),
        ("DELETE", f"{FLOWS}/review", None), ("POST", f"{FLOWS}/review/webhook-secret", None),
    ]:
        response = await as_bob.request(method, path, json=body)
        assert response.status_code == 403, (method, path, response.text)  # …but not its flows
    assert (await sales.get(f"{FLOWS}/review")).json()["draft_revision"] == 1


async def test_webhook_secret_is_shown_once_and_stored_only_hashed(sales, app):
    await _create(sales, webhook_flow())
    published = await _publish(sales, "inbound")
    secret = published["webhook_secret"]
    assert secret.startswith("qqwh_") and len(secret) > 40

    shown = await sales.get(f"{FLOWS}/inbound")
    assert shown.json()["has_webhook_secret"] is True and secret not in shown.text
    assert "webhook_secret" not in await _publish(sales, "inbound")  # a second publish keeps it, unshown

    async def stored() -> str:
        async with app.state.db.transaction(write=False) as conn:
            return (await conn.execute(select(flows.c.webhook_secret_hash).where(flows.c.key == "inbound"))).scalar_one()

    key = app.state.settings.secret
    assert await stored() == token_digest(key, secret) != secret

    rotated = await sales.post(f"{FLOWS}/inbound/webhook-secret")
    assert rotated.status_code == 200, rotated.text
    fresh = rotated.json()["webhook_secret"]
    assert fresh != secret and await stored() == token_digest(key, fresh)

    audit = (await sales.get("/api/admin/audit", params={"action": "flow.webhook_secret_rotate"})).json()["items"]
    assert len(audit) == 1 and secret not in str(audit) and fresh not in str(audit)

    await _create(sales, review())
    await _publish(sales, "review")
    refused = await sales.post(f"{FLOWS}/review/webhook-secret")
    assert refused.status_code == 409 and refused.json()["code"] == "not_webhook"


async def test_enable_rename_and_delete(sales, app):
    await _create(sales, review())
    await _publish(sales, "review")
    patched = await sales.patch(f"{FLOWS}/review", json={"enabled": False, "name": {"en": "Big orders"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["enabled"] is False and patched.json()["name"] == {"en": "Big orders"}
    assert patched.json()["draft_revision"] == 2  # an open designer must reload before saving over it
    async with app.state.db.transaction(write=False) as conn:
        app_id = (await conn.execute(select(apps.c.id).where(apps.c.key == "sales"))).scalar_one()
        assert await published_flows(conn, app_id) == []

    async with app.state.db.transaction() as conn:
        flow_id = (await conn.execute(select(flows.c.id).where(flows.c.key == "review"))).scalar_one()
        now = (await conn.execute(select(flows.c.updated_at).where(flows.c.id == flow_id))).scalar_one()
        await conn.execute(flow_instances.insert().values(
            flow_id=flow_id, flow_version=1, app_id=app_id, status="running", state={}, vars={}, title="",
            started_at=now, updated_at=now))
    busy = await sales.delete(f"{FLOWS}/review")
    assert busy.status_code == 409 and busy.json()["code"] == "flow_running"

    async with app.state.db.transaction() as conn:
        await conn.execute(update(flow_instances).values(status="approved"))
    assert (await sales.delete(f"{FLOWS}/review")).status_code == 204
    assert (await sales.get(f"{FLOWS}/review")).status_code == 404
    assert [a["target_id"] for a in (await sales.get("/api/admin/audit", params={"action": "flow.delete"})).json()[
        "items"]] == ["sales.review"]


async def test_node_type_catalogue_lists_every_type_in_both_languages(sales, make_user, login, anon):
    await make_user("carol")
    as_carol = await login("carol", "user-Pa55word")
    response = await as_carol.get("/api/flow-node-types")
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"]
    assert len(items) >= 25
    assert all(item["names"]["en"] and item["names"]["zh-CN"] for item in items)
    assert all(item["description"]["en"] and item["description"]["zh-CN"] for item in items)
    assert {item["category"] for item in items} == {c["key"] for c in body["categories"]}
    by_type = {item["type"]: item for item in items}
    assert by_type["trigger.webhook"]["category"] == "trigger"
    assert "assignees" in by_type["approval"]["settings_schema"]["properties"]
    modes = {m["type"]: m for m in body["approval_modes"]}
    assert set(modes) == {"single", "all", "any", "sequential", "ratio"}
    assert modes["all"]["names"]["zh-CN"] == "会签"
    assert "min_approvals" in modes["ratio"]["options_schema"]["properties"]
    assert (await anon.get("/api/flow-node-types")).status_code == 401


async def test_working_calendars_are_kept_by_platform_administrators(sales, app, make_user, login):
    url = "/api/admin/calendars/cn_office"
    definition = {"hours": [["09:00", "12:00"], ["13:00", "18:00"]], "holidays": ["2026-10-01"],
                  "workdays": ["2026-09-27"]}
    created = await sales.put(url, json={"name": "China office", "definition": definition})
    assert created.status_code == 201, created.text
    assert created.json()["definition"]["tz"] == "Asia/Shanghai"  # stored normalised
    assert (await sales.put(url, json={"name": "CN office", "definition": definition})).status_code == 200
    assert (await sales.get(url)).json()["name"] == "CN office"
    assert [c["key"] for c in (await sales.get("/api/admin/calendars")).json()["items"]] == ["cn_office"]

    bad = await sales.put(url, json={"name": "x", "definition": {"hours": [["18:00", "09:00"]]}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "definition.hours.0" and bad.json()["errors"][0]["message_zh"]
    assert (await sales.put("/api/admin/calendars/Bad-Key", json={"name": "x"})).status_code == 422

    async with app.state.db.transaction(write=False) as conn:
        assert (await calendar(conn, "cn_office")).is_working_day(date(2026, 9, 27))  # a make-up Sunday
        assert await calendar(conn, "nope") is DEFAULT_CALENDAR
        assert await calendar(conn, None) is DEFAULT_CALENDAR

    unknown = {**review(), "settings": {"calendar": "nope"}}
    await _create(sales, review())
    assert [p["path"] for p in (await _save(sales, unknown)).json()["problems"]] == ["settings.calendar"]
    assert (await _save(sales, {**review(), "settings": {"calendar": "cn_office"}})).json()["problems"] == []
    await _publish(sales, "review")
    in_use = await sales.delete(url)
    assert in_use.status_code == 409 and in_use.json()["code"] == "calendar_in_use"

    await make_user("dave")
    as_dave = await login("dave", "user-Pa55word")
    assert (await as_dave.get(url)).status_code == 403
    assert (await as_dave.put(url, json={"name": "x"})).status_code == 403

    assert (await sales.delete(f"{FLOWS}/review")).status_code == 204
    assert (await sales.delete(url)).status_code == 204
    assert (await sales.get(url)).status_code == 404
    actions = [a["action"] for a in (await sales.get("/api/admin/audit", params={"limit": 500})).json()["items"]]
    assert actions.count("calendar.put") == 2 and actions.count("calendar.delete") == 1
