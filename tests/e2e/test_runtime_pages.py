"""The pages end users work in every day, as a sales rep meets them: an app with a deals form
made through the API, then — in the browser — the list filtered with the filter builder, a saved
view, a kanban card dragged to another stage, a record's detail page with a comment, an edit, an
import with one bad row and its error report, and an export. Desktop and phone screenshots."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from tests.e2e import helpers
from tests.e2e.helpers import DESKTOP, PHONE, no_horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.e2e

APP = "rt_sales"
FORM = "deals"
FORM_URL = f"/api/apps/{APP}/forms/{FORM}"
DEALS = {
    "key": FORM,
    "label": {"en": "Deals", "zh-CN": "商机"},
    "settings": {"title_field": "title"},
    "fields": [
        {"key": "title", "type": "text", "label": {"en": "Title", "zh-CN": "名称"}, "required": True},
        {"key": "stage", "type": "single_select", "label": {"en": "Stage", "zh-CN": "阶段"},
         "options": {"choices": [{"value": "lead", "colour": "blue"}, {"value": "won", "colour": "green"},
                                 {"value": "lost", "colour": "red"}]}},
        {"key": "amount", "type": "number", "label": {"en": "Amount", "zh-CN": "金额"}},
        {"key": "close_on", "type": "date", "label": {"en": "Close on", "zh-CN": "预计成交"}},
    ],
}


class Api(helpers.Api):
    """The shared API helper, plus this file's deals."""

    def record(self, record_id: int) -> dict:
        return self.call("GET", f"{FORM_URL}/records/{record_id}")


def _make_deals(api: Api) -> dict[str, int]:
    api.call("POST", "/api/apps", {"key": APP, "name": "Sales"}, status=201)
    api.call("POST", f"/api/apps/{APP}/forms", {"definition": DEALS}, status=201)
    api.call("POST", f"{FORM_URL}/publish", {})
    today = date.today().replace(day=12).isoformat()
    ids = {}
    for title, stage, amount in (("Acme rollout", "lead", 1200), ("Globex renewal", "won", 5400),
                                 ("Initech pilot", "lead", 300), ("Umbrella audit", "lost", 80)):
        created = api.call("POST", f"{FORM_URL}/records",
                           {"title": title, "stage": stage, "amount": amount, "close_on": today}, status=201)
        ids[title] = created["id"]
    # The 360° view: contacts link to a deal, and the deal lists its contacts.
    contacts = {"key": "contacts", "label": {"en": "Contacts", "zh-CN": "联系人"}, "settings": {"title_field": "name"},
                "fields": [{"key": "name", "type": "text", "label": {"en": "Name", "zh-CN": "姓名"}},
                           {"key": "deal", "type": "link", "label": {"en": "Deal", "zh-CN": "商机"},
                            "options": {"form": FORM}}]}
    api.call("POST", f"/api/apps/{APP}/forms", {"definition": contacts}, status=201)
    api.call("POST", f"/api/apps/{APP}/forms/contacts/publish", {})
    with_list = {**DEALS, "fields": [*DEALS["fields"], {
        "key": "people", "type": "related_list", "label": {"en": "People", "zh-CN": "相关联系人"},
        "options": {"form": "contacts", "match_field": "deal", "columns": ["name"]}}]}
    api.call("PUT", f"{FORM_URL}/draft", {"definition": with_list})
    api.call("POST", f"{FORM_URL}/publish", {})
    for name in ("Wile Coyote", "Road Runner"):
        api.call("POST", f"/api/apps/{APP}/forms/contacts/records", {"name": name, "deal": ids["Acme rollout"]},
                 status=201)
    # A chart on each deal's page: its contacts, counted.
    api.call("POST", f"/api/apps/{APP}/reports", {"name": "Contacts on this deal", "definition": {
        "dataset": {"form": "contacts"}, "measures": [{"key": "people", "agg": "count"}], "chart": {"type": "kpi"},
        "record_page": {"link": "deal"}}}, status=201)
    return ids


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pick(page: Page, combobox, option: str | re.Pattern) -> None:
    """Opens an antd select and clicks the option a person sees (not the hidden a11y list)."""
    combobox.click()
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter(
        has_text=option).first.click()


def _drag(page: Page, source, target) -> None:
    """A person's drag: press, move in steps (dnd-kit starts after a few pixels), release."""
    box, goal = source.bounding_box(), target.bounding_box()
    assert box and goal
    # Grab the card by its body: its title is a link that opens the record.
    x, y = box["x"] + box["width"] - 12, box["y"] + box["height"] - 8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 10, steps=4)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 60, steps=12)
    page.mouse.up()


def test_a_rep_works_the_deals_list_kanban_record_import_and_export(open_page, server, tmp_path):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    api = Api(page)
    ids = _make_deals(api)

    # The app opens on its first menu entry: the deals list, with the app's menu at the side.
    page.goto(f"/apps/{APP}")
    expect(page).to_have_url(re.compile(rf"/apps/{APP}/forms/{FORM}$"))
    expect(page.get_by_role("heading", level=2, name="Deals")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Deals")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Globex renewal")).to_be_visible()
    screenshot(page, "desktop-21-list")

    # The filter builder: Title contains "acme" leaves one deal.
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name="Add condition").click()
    builder = page.get_by_role("group", name="Filter records")
    _pick(page, builder.get_by_role("combobox", name="Field of condition 1"), "Title")
    _pick(page, builder.get_by_role("combobox", name="Operator of condition 1"), re.compile("^contains$", re.I))
    builder.get_by_role("textbox").last.fill("acme")
    expect(table.get_by_role("link", name="Globex renewal")).to_be_hidden()
    expect(table.get_by_role("link", name="Acme rollout")).to_be_visible()
    screenshot(page, "desktop-22-filter")
    page.keyboard.press("Escape")

    # …kept as a saved view.
    page.get_by_role("button", name="Save as new view").click()
    dialog = page.get_by_role("dialog", name="Save as new view")
    dialog.get_by_label("Name").fill("Acme deals")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"\?view=\d+"))
    views = api.call("GET", f"{FORM_URL}/views")["items"]
    assert [v["name"] for v in views] == ["Acme deals"]
    assert views[0]["config"]["filter"] == {"and": [{"field": "title", "op": "contains", "value": "acme"}]}

    # The kanban: drag the deal from "lead" to "won"; the record itself changes.
    page.get_by_text("Kanban", exact=True).click()
    card = page.locator(f'.qq-kanban-card[data-record-id="{ids["Acme rollout"]}"]')
    expect(card).to_be_visible()
    won = page.get_by_role("region", name="won", exact=True)
    _drag(page, card, won)
    expect(won.locator(f'[data-record-id="{ids["Acme rollout"]}"]')).to_be_visible()
    page.wait_for_timeout(300)
    for _ in range(20):
        if api.record(ids["Acme rollout"])["stage"] == "won":
            break
        page.wait_for_timeout(200)
    assert api.record(ids["Acme rollout"])["stage"] == "won"
    screenshot(page, "desktop-23-kanban")

    # The calendar shows the deals on their closing day.
    page.get_by_text("Calendar", exact=True).click()
    expect(page.get_by_role("button", name="Acme rollout")).to_be_visible()
    screenshot(page, "desktop-24-calendar")

    # The record's detail page: fields, a comment, an edit.
    page.get_by_role("button", name="Acme rollout").click()
    expect(page.get_by_role("heading", level=2, name="Acme rollout")).to_be_visible()
    chart = page.locator(".qq-record-chart").filter(has_text="Contacts on this deal")
    expect(chart.get_by_test_id("kpi-value")).to_have_text("2")
    people = page.locator(".qq-related").filter(has_text="People")
    expect(people.get_by_text("Wile Coyote")).to_be_visible()
    expect(people.get_by_text("Road Runner")).to_be_visible()
    people.get_by_role("link", name="Wile Coyote").click()
    expect(page.get_by_role("heading", level=2, name="Wile Coyote")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=2, name="Acme rollout")).to_be_visible()
    comment = page.get_by_role("textbox", name="Write a comment")
    comment.fill("Called the buyer; signing next week. ")
    comment.press_sequentially("@adm")
    page.locator(".ant-mentions-dropdown:not(.ant-mentions-dropdown-hidden)").get_by_text("Admin (admin)").click()
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".qq-comment-body").filter(has_text="Called the buyer; signing next week.")).to_be_visible()
    posted = api.call("GET", f"{FORM_URL}/records/{ids['Acme rollout']}/comments")["items"]
    assert posted[-1]["body"].startswith("Called the buyer")
    assert [m["display_name"] for m in posted[-1]["mentions"]] == ["Admin"]
    page.get_by_role("button", name="Edit").click()
    amount = page.get_by_label("Amount")
    amount.fill("1500")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    assert float(api.record(ids["Acme rollout"])["amount"]) == 1500
    expect(page.get_by_text("Changed").first).to_be_visible()
    screenshot(page, "desktop-25-record")

    # A new record through the record form opens on its own page.
    page.get_by_role("link", name="Deals").first.click()
    page.get_by_role("button", name="New record").click()
    expect(page.get_by_role("heading", level=2, name="New Deals")).to_be_visible()
    page.get_by_label("Title").fill("Stark tower")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=2, name="Stark tower")).to_be_visible()
    screenshot(page, "desktop-28-new-record")

    # Import an .xlsx with one bad row, then read the error report.
    page.get_by_role("link", name="Deals").first.click()
    _pick(page, page.get_by_role("combobox", name="Saved view"), "All records")
    page.get_by_role("button", name="Import").click()
    wizard = page.get_by_role("dialog", name="Import records")
    upload = tmp_path / "deals.xlsx"
    rows = [["Title", "Stage", "Amount"], ["Hooli expansion", "lead", 900], ["Bad row", "maybe", 10]]
    upload.write_bytes(_xlsx(rows))
    wizard.locator('input[type="file"]').set_input_files(str(upload))
    expect(wizard.get_by_text("2 rows to import")).to_be_visible()
    screenshot(page, "desktop-26-import-mapping")
    wizard.get_by_role("button", name="Start import").click()
    expect(wizard.get_by_text("1 created, 0 updated")).to_be_visible(timeout=20_000)
    expect(wizard.get_by_text("1 row was refused")).to_be_visible()
    expect(wizard.get_by_role("progressbar")).to_be_visible()
    screenshot(page, "desktop-27-import-done")
    with page.expect_download() as got:
        wizard.get_by_role("button", name="Download the error report").click()
    report = load_workbook(io.BytesIO(open(got.value.path(), "rb").read()), read_only=True)
    cells = [str(c) for row in report.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Bad row" in cells and "maybe" in cells
    wizard.get_by_role("button", name="Done").click()
    expect(page.get_by_role("table").get_by_role("link", name="Hooli expansion")).to_be_visible()

    # An inline edit of one cell, then a bulk delete of a selected row.
    globex = ids["Globex renewal"]
    page.get_by_role("button", name=f"Edit Amount of record {globex}").click()
    cell_editor = page.locator(f"#qq-inline-{globex}-amount")
    cell_editor.fill("6000")
    page.locator(".ant-popover:not(.ant-popover-hidden)").get_by_role("button", name="Save").click()
    expect(page.get_by_role("table").get_by_text("6,000")).to_be_visible()
    assert float(api.record(globex)["amount"]) == 6000
    # Bulk edit: two deals moved to "lost" at once.
    for title in ("Initech pilot", "Hooli expansion"):
        page.get_by_role("row").filter(has_text=title).get_by_role("checkbox").check()
    page.get_by_role("region", name="Selected records").get_by_role("button", name="Edit selected").click()
    bulk = page.get_by_role("dialog", name="Edit 2 records")
    _pick(page, bulk.get_by_label("Field"), "Stage")
    _pick(page, bulk.get_by_label("New value"), "lost")
    bulk.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("2 records updated")).to_be_visible()
    assert api.record(ids["Initech pilot"])["stage"] == "lost"
    umbrella = page.get_by_role("row").filter(has_text="Umbrella audit")
    umbrella.get_by_role("checkbox").check()
    page.get_by_role("region", name="Selected records").get_by_role("button", name="Delete selected").click()
    page.locator(".ant-popconfirm:not(.ant-popover-hidden)").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("1 record deleted")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("Umbrella audit")).to_be_hidden()
    screenshot(page, "desktop-29-list-after-edits")

    # Export the current view as Excel.
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as got:
        page.get_by_role("menuitem", name="This view as Excel (.xlsx)").click()
    exported = load_workbook(io.BytesIO(open(got.value.path(), "rb").read()), read_only=True)
    cells = {c for row in exported.active.iter_rows(values_only=True) for c in row}
    assert {"Acme rollout", "Globex renewal", "Hooli expansion", "Stark tower"} <= cells
    assert "Bad row" not in cells and "Umbrella audit" not in cells


def test_the_runtime_pages_fit_a_phone_in_chinese_and_a_wide_screen(open_page, server):
    page, _ = open_page(PHONE, locale="zh-CN")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="你好，Admin")).to_be_visible()
    api = Api(page)
    if api.request.get(f"/api/apps/{APP}").status == 404:
        _make_deals(api)
    record_id = api.call("POST", f"{FORM_URL}/records/query", {"limit": 1})["items"][0]["id"]

    page.goto(f"/apps/{APP}/forms/{FORM}")
    expect(page.get_by_role("heading", level=2, name="商机")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-21-list")

    page.get_by_role("button", name="打开菜单").click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("link", name="商机")).to_be_visible()
    screenshot(page, "phone-22-app-menu")
    drawer.get_by_role("link", name="商机").click()

    page.get_by_role("button", name="筛选").click()
    page.get_by_role("button", name="添加条件").click()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-23-filter")
    page.keyboard.press("Escape")

    page.get_by_text("看板", exact=True).click()
    expect(page.locator(".qq-kanban-card").first).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-24-kanban")

    page.get_by_text("日历", exact=True).click()
    expect(page.locator(".ant-picker-calendar")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-25-calendar")

    page.goto(f"/apps/{APP}/forms/{FORM}/records/{record_id}")
    expect(page.get_by_role("heading", level=2)).to_be_visible()
    expect(page.get_by_role("button", name="编辑")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-26-record")

    wide, _ = open_page({"width": 1920, "height": 1080}, locale="en-US")
    wide.goto("/login")
    sign_in(wide, server.admin_username, server.admin_password)
    expect(wide.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    wide.goto(f"/apps/{APP}/forms/{FORM}")
    expect(wide.get_by_role("table")).to_be_visible()
    assert no_horizontal_overflow(wide)
    screenshot(wide, "desktop-30-list-1920")
