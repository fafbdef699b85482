"""App packages: an app exported as one file and installed as a new app works the same; a package
is checked file by file with positioned errors and installs all or nothing; forms linking each
other in a cycle install; templates are packages kept as folders."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.api.test_reports_world import APP, PASSWORD, by, report, world  # noqa: F401  (world is a fixture)
from tests.factories.forms import field, make_form

PREVIEW, INSTALL = "/api/app-packages/preview", "/api/app-packages/install"


def zipped(files: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content if isinstance(content, (bytes, str)) else json.dumps(content))
    return buffer.getvalue()


def manifest(key: str = "crm", **app: object) -> dict:
    return {"format": "qiqiao.app", "format_version": 1, "platform_version": "0.1.0",
            "app": {"key": key, "name": "CRM", **app}}


def upload(content: bytes, **form: str):
    return {"files": {"file": ("app.zip", content, "application/zip")}, "data": form}


async def _dress_up(admin) -> dict:
    """A report, a dashboard on it, a flow and a menu on the reports world's sales app."""
    made = (await admin.post(f"/api/apps/{APP}/reports", json={"name": "By stage", "definition": report()})).json()
    board = await admin.post(f"/api/apps/{APP}/dashboards", json={
        "name": "Sales", "share": {"roles": ["finance"]}, "is_home": True,
        "definition": {"widgets": [{"id": "stages", "kind": "report", "report_id": made["id"]}]}})
    assert board.status_code == 201, board.text
    flow = {"key": "review", "name": {"en": "Review"}, "form": "deals",
            "nodes": [{"id": "t", "type": "trigger.submit", "config": {}},
                      {"id": "ok", "type": "approval", "config": {"assignees": [{"kind": "role", "role": "finance"}]}},
                      {"id": "end", "type": "end", "config": {}}],
            "edges": [{"source": "t", "target": "ok"}, {"source": "ok", "target": "end"}]}
    created = await admin.post(f"/api/apps/{APP}/flows", json={"key": "review", "name": {"en": "Review"}, "form": "deals",
                                                                "definition": flow})
    assert created.status_code == 201, created.text
    assert (await admin.post(f"/api/apps/{APP}/flows/review/publish", json={})).status_code == 200
    menu = [{"type": "group", "label": {"en": "Sales"}, "children": [{"type": "form", "key": "deals"},
                                                                     {"type": "dashboard", "key": str(board.json()["id"])}]}]
    assert (await admin.patch(f"/api/apps/{APP}", json={"menu": menu})).status_code == 200
    return {"report": made["id"], "board": board.json()["id"]}


async def test_an_exported_app_installs_as_a_new_app_that_works_the_same(world):
    admin = world["admin"]
    ids = await _dress_up(admin)
    exported = await admin.get(f"/api/apps/{APP}/package")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(exported.content)).namelist())
    assert names == {"manifest.json", "roles.json", "forms/customers.json", "forms/deals.json", "forms/payments.json",
                     "flows/review.json", f"reports/{ids['report']}.json", f"dashboards/{ids['board']}.json"}

    preview = await admin.post(PREVIEW, **upload(exported.content))
    assert preview.status_code == 200, preview.text
    seen = preview.json()
    assert seen["app"]["clash"] is True and seen["app"]["suggested_key"] == f"{APP}_2"
    assert [f["key"] for f in seen["forms"]] == ["customers", "deals", "payments"]
    assert {r["key"] for r in seen["roles"]} == {"rep", "sales", "finance"}

    installed = await admin.post(INSTALL, **upload(exported.content, key="sales_copy", name="Sales copy"))
    assert installed.status_code == 201, installed.text
    result = installed.json()
    assert result["flows"] == [{"key": "review", "published": True, "version": 1}]
    new_board = result["dashboards"][str(ids["board"])]
    app = (await admin.get("/api/apps/sales_copy")).json()
    assert app["name"] == "Sales copy"
    assert app["menu"][0]["children"][1] == {"type": "dashboard", "key": str(new_board)}

    for form in ("customers", "deals", "payments"):
        old = (await admin.get(f"/api/apps/{APP}/forms/{form}")).json()["published"]
        new = (await admin.get(f"/api/apps/sales_copy/forms/{form}")).json()["published"]
        assert new == old
    groups = (await admin.get("/api/apps/sales_copy/forms/deals/permissions")).json()["items"]
    rep = next(g for g in groups if g["role"] == "rep")
    assert rep["data_scope"]["kind"] == "own" and rep["field_rules"] == {"cost": "hidden"}
    board = (await admin.get(f"/api/apps/sales_copy/dashboards/{new_board}")).json()
    assert board["is_home"] and board["share"]["roles"] == ["finance"]
    assert board["definition"]["widgets"][0]["report_id"] == result["reports"][str(ids["report"])]

    # The copy works: a record goes in, the report counts it, the flow starts on it.
    made = await admin.post("/api/apps/sales_copy/forms/deals/records", json={"title": "New", "stage": "won", "amount": "5"})
    assert made.status_code == 201, made.text
    record = (await admin.get(f"/api/apps/sales_copy/forms/deals/records/{made.json()['id']}")).json()
    assert record["flow_status"] == "running"
    data = (await admin.get(f"/api/apps/sales_copy/dashboards/{new_board}/data")).json()
    assert by(data["widgets"][0]["data"]["rows"], "stage", "deals") == {"won": 1}


async def test_forms_linking_each_other_in_a_cycle_install_with_every_field(client):
    accounts = make_form("accounts", [
        field("name"), field("primary", "link", options={"form": "contacts"}),
        field("primary_phone", "lookup", options={"link": "primary", "field": "phone"}),
    ], title_field="name")
    contacts = make_form("contacts", [field("name"), field("phone"), field("account", "link", options={"form": "accounts"})],
                         title_field="name")
    content = zipped({"manifest.json": manifest(), "forms/accounts.json": accounts, "forms/contacts.json": contacts})
    installed = await client.post(INSTALL, **upload(content))
    assert installed.status_code == 201, installed.text
    for form, keys in (("accounts", ["name", "primary", "primary_phone"]), ("contacts", ["name", "phone", "account"])):
        published = (await client.get(f"/api/apps/crm/forms/{form}")).json()["published"]
        assert [f["key"] for f in published["fields"]] == keys
    contact = (await client.post("/api/apps/crm/forms/contacts/records", json={"name": "Wang", "phone": "13800000000"})).json()
    account = await client.post("/api/apps/crm/forms/accounts/records", json={"name": "Acme", "primary": contact["id"]})
    assert account.status_code == 201, account.text
    assert account.json()["primary_phone"] == "13800000000"


@pytest.mark.parametrize("files, path, code", [
    ({"manifest.json": manifest(), "../evil.json": {}}, "../evil.json", "invalid_package"),
    ({"forms/a.json": make_form("a", [field("x")])}, "manifest.json", "invalid_package"),
    ({"manifest.json": {**manifest(), "format_version": 9}}, "manifest.json:format_version", "newer_format"),
    ({"manifest.json": manifest(), "forms/a.json": make_form("b", [field("x")])}, "forms/a.json:key", "invalid_package"),
    ({"manifest.json": manifest(), "forms/a.json": make_form("a", [field("x", "no_such_type")])},
     "forms/a.json:fields.0.type", None),
    ({"manifest.json": manifest(), "dashboards/1.json": {"id": 1, "name": "B", "definition": {"widgets": [
        {"id": "w", "kind": "report", "report_id": 7}]}}}, "dashboards/1.json:definition.widgets.0.report_id", "invalid_package"),
    ({"manifest.json": manifest(menu=[{"type": "form", "key": "ghost"}])}, "manifest.json:app.menu.0.key", "invalid_package"),
    ({"manifest.json": manifest(), "forms/a.json": "{not json"}, "forms/a.json", "invalid_package"),
])
async def test_a_bad_package_is_refused_with_the_file_and_path_of_each_problem(client, files, path, code):
    response = await client.post(PREVIEW, **upload(zipped(files)))
    assert response.status_code == 422, response.text
    problem = response.json()
    found = [e for e in problem["errors"] if e["path"] == path]
    assert found, problem["errors"]
    if code:
        assert found[0]["code"] == code
    assert found[0]["message_zh"]


async def test_installing_is_all_or_nothing_and_only_for_builders(client, make_user, login):
    good = make_form("a", [field("x"), field("n", "number")])
    bad_report = {"id": 1, "name": "R", "definition": {"dataset": {"form": "a"}, "measures": [
        {"key": "s", "agg": "sum", "field": "x"}]}}  # a sum of text: refused when the report is made
    content = zipped({"manifest.json": manifest(), "forms/a.json": good, "reports/1.json": bad_report})
    refused = await client.post(INSTALL, **upload(content))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["path"].startswith("reports/1.json:definition.measures.0")
    assert (await client.get("/api/apps/crm")).status_code == 404  # nothing of it was kept

    ok = zipped({"manifest.json": manifest(), "forms/a.json": good})
    assert (await client.post(INSTALL, **upload(ok))).status_code == 201
    again = await client.post(INSTALL, **upload(ok))
    assert again.status_code == 409 and again.json()["errors"][0]["path"] == "manifest.json:key"
    assert (await client.post(INSTALL, **upload(b"not a zip", key="other"))).json()["errors"][0]["path"] == "file"
    await make_user("plain", PASSWORD)
    plain = await login("plain", PASSWORD)
    assert (await plain.post(INSTALL, **upload(ok, key="theirs"))).status_code == 403
    assert (await plain.get("/api/apps/crm/package")).status_code in (403, 404)


async def test_a_template_is_a_package_folder_installed_with_its_demo_data(client, app, tmp_path):
    folder = tmp_path / "templates" / "mini"
    (folder / "forms").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({**manifest("mini"), "label": {"zh-CN": "迷你", "en": "Mini"}}))
    (folder / "forms" / "a.json").write_text(json.dumps(make_form("a", [field("x")])))
    (folder / "demo.py").write_text("async def make(demo):\n    for i in range(3):\n"
                                    "        await demo.create('a', {'x': f'demo {i}'})\n")
    app.state.settings.templates_dir = tmp_path / "templates"
    listed = (await client.get("/api/templates")).json()["items"]
    assert listed == [{"name": "mini", "label": {"zh-CN": "迷你", "en": "Mini"}, "description": {},
                       "app": {"key": "mini", "name": "CRM", "icon": None, "color": None}, "demo": True}]
    first = await client.post("/api/templates/mini/install", json={"demo": True})
    assert first.status_code == 201, first.text
    assert len((await client.get("/api/apps/mini/forms/a/records")).json()["items"]) == 3
    second = await client.post("/api/templates/mini/install", json={})  # the key is taken: the next free one
    assert second.status_code == 201 and second.json()["app"]["key"] == "mini_2"
    assert (await client.post("/api/templates/nope/install", json={})).status_code == 404
    assert (await client.post("/api/templates/Bad.Name/install", json={})).status_code == 404
    assert (await client.post("/api/templates/..%2f..%2fetc/install", json={})).status_code in (404, 405)
