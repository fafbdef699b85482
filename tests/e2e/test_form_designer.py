"""The builder as a sales manager uses it: an app from the home page, a customer form built by
dragging field types onto the designer's canvas, a visibility rule and a formula written in the
formula editor (an error marked, then fixed), published; then the same pages on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import DESKTOP, PHONE, no_horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.e2e

APP = "sales_crm"
FORM = "customers"
# Waits on the server (saves, publishes, formula checks) get longer: the test machine is shared.
SERVER = 20_000

# (palette name, key given in the designer or None to keep the proposed one, label)
FIELDS = [
    ("Single-line text", "company", "Company"),
    ("Number", "amount", "Amount"),
    ("Money", None, None),
    ("Percent", None, None),
    ("Date", "signed_on", "Signed on"),
    ("Date and time", None, None),
    ("Single select", "stage", "Stage"),
    ("Multi select", None, None),
    ("Checkbox", None, None),
    ("Phone", None, None),
    ("Email", None, None),
    ("Multi-line text", "notes", "Notes"),
    ("Rating", None, None),
    ("Section", None, None),
    ("Formula", "double_amount", "Double amount"),
]


def drag(page: Page, source: Locator, target: Locator, where: str = "center") -> None:
    """Drags like a hand on a mouse: press, move in small steps (dnd-kit needs pointer moves), release."""
    # the drop point mid-screen, where dnd-kit does not scroll the page under the pointer
    target.evaluate("e => e.scrollIntoView({block: 'center'})")
    source.scroll_into_view_if_needed()
    s = source.bounding_box()
    assert s, "nothing to drag"
    sx, sy = s["x"] + s["width"] / 2, s["y"] + s["height"] / 2
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(sx + 12, sy + 6, steps=4)
    t = target.bounding_box()
    assert t, "nowhere to drop"
    tx = t["x"] + t["width"] / 2
    ty = {"center": t["y"] + t["height"] / 2, "bottom": t["y"] + t["height"] - 6, "top": t["y"] + 4}[where]
    page.mouse.move(tx, ty, steps=16)
    page.mouse.move(tx + 1, ty + 1, steps=3)
    page.mouse.up()
    # dnd-kit swallows a click in the first 50 ms after a drop (the drop's own); a hand is never that quick
    page.wait_for_timeout(120)


def palette(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Field types").get_by_role("button", name=name, exact=True)


def canvas(page: Page) -> Locator:
    return page.get_by_role("region", name="Form layout")


def field_card(page: Page, label: str) -> Locator:
    edit = page.get_by_role("button", name=f"Edit {label}", exact=True)
    return canvas(page).locator(".qq-field-card").filter(has=edit)


def canvas_end(page: Page) -> Locator:
    """Where a drop adds at the end: the empty canvas, or the strip under the last field."""
    end = canvas(page).locator(".qq-canvas-end")
    return end if end.count() else canvas(page).locator(".qq-canvas-empty")


def test_a_builder_makes_an_app_and_designs_a_form_by_dragging(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()

    # A new app from the home page: the key follows the name.
    page.get_by_role("button", name="New app").click()
    dialog = page.get_by_role("dialog", name="New app")
    expect(dialog.get_by_role("radio", name=re.compile("Template"))).to_be_enabled()  # the tests' catalogue
    dialog.get_by_label("Name").fill("Sales CRM")
    expect(dialog.get_by_label("Key")).to_have_value(APP)
    dialog.get_by_role("radio", name="Team").locator("xpath=ancestor::label").click()
    expect(dialog.get_by_role("radio", name="Team")).to_be_checked()
    dialog.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(f"/build/{APP}$"))
    expect(page.get_by_role("heading", level=2, name="Sales CRM")).to_be_visible()

    # A form in it, opened in the designer.
    page.get_by_role("button", name="New form").click()
    dialog = page.get_by_role("dialog", name="New form")
    dialog.get_by_label("Form name").fill("Customers")
    expect(dialog.get_by_label("Key")).to_have_value(FORM)
    dialog.get_by_role("button", name="Create and design").click()
    expect(page).to_have_url(re.compile(f"/build/{APP}/forms/{FORM}$"))
    expect(canvas(page)).to_contain_text("Drag field types here")

    # Field types dragged from the palette onto the canvas, each landing at the end.
    for i, (name, key, label) in enumerate(FIELDS):
        drag(page, palette(page, name), canvas_end(page))
        cards = canvas(page).locator(".qq-field-card")
        expect(cards).to_have_count(i + 1)
        if key:
            expect(page.get_by_label("Key", exact=True)).to_be_visible()
            page.get_by_label("Key", exact=True).fill(key)
            page.get_by_label("Name (English)", exact=True).fill(label)
    expect(canvas(page).locator(".qq-field-card")).to_have_count(len(FIELDS))
    screenshot(page, "desktop-3x-designer-fields")

    # The stage's options, from the panel generated from its settings schema.
    field_card(page, "Stage").click()
    values = page.get_by_role("complementary", name="Properties").get_by_role("textbox", name="Value", exact=True)
    expect(values).to_have_count(2)
    values.nth(0).fill("Lead")
    values.nth(1).fill("Won")

    # A formula with a mistake: the editor marks it where it is, then the fix checks clean.
    field_card(page, "Double amount").click()
    formula = page.get_by_role("combobox", name="Formula")
    formula.fill("amout * 2")
    props = page.get_by_role("complementary", name="Properties")
    expect(props.locator(".qq-fx-error")).to_have_text("amout", timeout=SERVER)
    expect(props.locator(".qq-fx-status-error")).to_contain_text("amout")
    screenshot(page, "desktop-3x-formula-error", full_page=False)
    formula.fill("")
    formula.press_sequentially("amo")
    expect(page.get_by_role("option", name=re.compile("Amount"))).to_be_visible()
    formula.press("Enter")
    formula.press_sequentially(" * 2")
    expect(formula).to_have_value("amount * 2")
    expect(props.locator(".qq-fx-status-ok")).to_contain_text("number", timeout=SERVER)
    expect(props.locator(".qq-fx-error")).to_have_count(0)

    # The function catalogue: grouped, searchable, each with its signature; a click inserts it.
    props.get_by_role("button", name="Functions").first.click()
    catalogue = page.locator(".ant-popover")
    catalogue.get_by_label("Search functions").fill("ROUND")
    catalogue.locator("button.qq-fx-function").filter(has_text=re.compile(r"^ROUND\(")).first.click()
    expect(formula).to_have_value(re.compile(r"ROUND\($"))
    formula.fill("amount * 2")
    expect(props.locator(".qq-fx-status-ok")).to_contain_text("number", timeout=SERVER)

    # Notes show only for large amounts: a visibility rule in the formula editor.
    field_card(page, "Notes").click()
    visible = page.get_by_role("combobox", name="Show only when")
    visible.fill("amount > ")
    expect(props.locator(".qq-fx-status-error")).to_be_visible(timeout=SERVER)
    visible.press_sequentially("1000")
    expect(props.locator(".qq-fx-status-ok")).to_contain_text("bool", timeout=SERVER)
    screenshot(page, "desktop-3x-designer", full_page=False)

    # The preview is the runtime form itself, with the real widgets.
    page.get_by_text("Preview", exact=True).click()
    preview = page.locator(".qq-preview")
    expect(preview.get_by_label("Company")).to_be_visible()
    expect(preview.get_by_label("Amount")).to_be_visible()
    screenshot(page, "desktop-3x-preview", full_page=False)
    page.get_by_text("Design", exact=True).click()

    # Reorder by dragging a card; delete one, undo and redo with the keyboard.
    drag(page, field_card(page, "Rating"), field_card(page, "Company"), where="top")
    expect(canvas(page).locator(".qq-field-card").first).to_contain_text("Rating")
    field_card(page, "Percent").get_by_role("button", name="Delete Percent").click()
    expect(field_card(page, "Percent")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(field_card(page, "Percent")).to_have_count(1)
    page.keyboard.press("Control+Shift+z")
    expect(field_card(page, "Percent")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(field_card(page, "Percent")).to_have_count(1)

    # A subform with its own columns: order lines with a quantity.
    drag(page, palette(page, "Subform"), canvas_end(page))
    page.get_by_role("button", name="Add column").click()
    page.get_by_label("Name of column 1").fill("Qty")
    page.get_by_label("Key of column 1").fill("qty")
    page.get_by_label("Type of column 1").click()
    page.locator(".ant-select-item-option").filter(has_text=re.compile("^Number$")).click()

    # A link with no form to point at: saving names the problem at the field; it goes again.
    drag(page, palette(page, "Link to record"), canvas_end(page))
    page.get_by_role("button", name="Save draft").click()
    broken = field_card(page, "Link to record")
    expect(broken.locator(".qq-field-problem")).to_be_visible(timeout=SERVER)
    props = page.get_by_role("complementary", name="Properties")
    expect(props.locator(".ant-form-item-has-error")).not_to_have_count(0)
    screenshot(page, "desktop-3x-designer-problem", full_page=False)
    broken.get_by_role("button", name="Delete Link to record").click()

    # Wide screens give the canvas the room.
    page.set_viewport_size({"width": 1920, "height": 1000})
    assert no_horizontal_overflow(page)
    screenshot(page, "desktop-3x-designer-1920", full_page=False)
    page.set_viewport_size(DESKTOP)

    # Save the draft, then publish with a look at what the schema change will do.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Unsaved changes")).to_be_hidden(timeout=SERVER)
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog", name="Publish version 1")
    expect(dialog).to_contain_text("New table", timeout=SERVER)
    screenshot(page, "desktop-3x-publish", full_page=False)
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(dialog).to_be_hidden(timeout=SERVER)
    expect(page.get_by_text("Published v1")).to_be_visible()

    # What was published is what was built.
    published = page.request.get(f"/api/apps/{APP}/forms/{FORM}").json()["published"]
    types = {f["type"] for f in published["fields"]}
    assert len(types) >= 12, types
    by_key = {f["key"]: f for f in published["fields"]}
    assert published["fields"][0]["type"] == "rating"
    assert by_key["notes"]["visible_when"] == "amount > 1000"
    assert by_key["double_amount"]["options"]["expression"] == "amount * 2"
    assert [c["value"] for c in by_key["stage"]["options"]["choices"]] == ["Lead", "Won"]
    assert by_key["company"]["label"]["en"] == "Company"
    assert [(c["key"], c["type"]) for c in by_key["subform_1"]["fields"]] == [("qty", "number")]

    # A type change over stored data: publishing lists the values that will not convert first.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "qiqiao_csrf")
    for company in ("Acme", "42"):
        created = page.request.post(f"/api/apps/{APP}/forms/{FORM}/records", data={"company": company},
                                    headers={"X-CSRF-Token": csrf})
        assert created.status == 201, created.text()
    field_card(page, "Company").click()
    page.get_by_label("Type", exact=True).click()
    page.locator(".ant-select-item-option").filter(has_text=re.compile("^Number$")).click()
    expect(field_card(page, "Company")).to_contain_text("Number")
    # Leaving with unsaved changes asks first.
    page.get_by_role("link", name="Back").click()
    leave = page.get_by_role("dialog", name="Leave without saving?")
    leave.get_by_role("button", name="Keep editing").click()
    expect(leave).to_be_hidden()
    expect(page).to_have_url(re.compile(f"/build/{APP}/forms/{FORM}$"))
    page.get_by_role("button", name="Publish", exact=True).click()
    dialog = page.get_by_role("dialog", name="Publish version 2")
    expect(dialog).to_contain_text("1 stored value will not convert", timeout=SERVER)
    expect(dialog.get_by_role("cell", name="Acme")).to_be_visible()
    screenshot(page, "desktop-3x-publish-unconvertible", full_page=False)
    dialog.get_by_role("button", name="Publish and keep the originals").click()
    expect(dialog).to_be_hidden(timeout=SERVER)
    expect(page.get_by_text("Published v2")).to_be_visible()
    assert page.request.get(f"/api/apps/{APP}/forms/{FORM}").json()["published"]["fields"][1]["type"] == "number"

    # The builder page lists the published form; home shows the app's card.
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_text("Published v2")).to_be_visible()

    # Excel → form: the sheet's columns become fields, adjusted before the form is made.
    page.get_by_role("button", name="From Excel").click()
    wizard = page.get_by_role("dialog", name="New form from Excel")
    wizard.locator("input[type=file]").set_input_files(
        {"name": "Orders.csv", "mimeType": "text/csv",
         "buffer": b"Customer,Amount,Signed on\nAcme,1200,2024-01-05\nGlobex,800,2024-02-11\n"}
    )
    expect(wizard.get_by_label("Key for Amount")).to_be_visible(timeout=SERVER)
    wizard.get_by_label("Key for Amount").fill("total")
    screenshot(page, "desktop-3x-excel-wizard", full_page=False)
    wizard.get_by_role("button", name=re.compile("^Create the form")).click()
    expect(wizard).to_contain_text("The form is published", timeout=SERVER)
    wizard.get_by_role("button", name="Done").click()
    orders = page.request.get(f"/api/apps/{APP}/forms/orders").json()
    assert orders["published_version"] == 1
    assert "total" in {f["key"] for f in orders["published"]["fields"]}

    # The app's menu: both forms under a group, arranged by dragging, saved to the app.
    page.get_by_role("button", name="Customers", exact=True).click()
    page.get_by_role("button", name="Orders", exact=True).click()
    page.get_by_role("button", name="Add group").click()
    page.get_by_label("Group name").fill("Sales")
    rows = page.get_by_role("list", name="App menu").get_by_role("listitem")
    expect(rows).to_have_count(3)
    drag(page, page.get_by_role("button", name="Move Sales", exact=True),
         page.get_by_role("button", name="Move Customers", exact=True), where="top")
    expect(rows.first.get_by_label("Group name")).to_have_value("Sales")
    page.get_by_role("button", name="Save menu").click()
    expect(page.get_by_role("button", name="Save menu")).to_be_disabled(timeout=SERVER)
    menu = page.request.get(f"/api/apps/{APP}").json()["menu"]
    assert menu == [{"type": "group", "label": {"en": "Sales"},
                     "children": [{"type": "form", "key": FORM}, {"type": "form", "key": "orders"}]}], menu
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "desktop-3x-app-builder")
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("^Sales CRM"))).to_be_visible()
    screenshot(page, "desktop-3x-home")

    # The same pages on a phone, in Chinese: nothing runs off the side.
    phone, _ = open_page(PHONE, locale="zh-CN")
    phone.goto("/login")
    sign_in(phone, server.admin_username, server.admin_password)
    expect(phone.get_by_role("heading", name="你好，Admin")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("^Sales CRM"))).to_be_visible()
    assert no_horizontal_overflow(phone)
    screenshot(phone, "phone-3x-home")
    phone.goto(f"/build/{APP}")
    expect(phone.get_by_role("heading", level=2, name="Sales CRM")).to_be_visible()
    assert no_horizontal_overflow(phone)
    screenshot(phone, "phone-3x-app-builder")
    phone.goto(f"/build/{APP}/forms/{FORM}")
    expect(phone.get_by_role("region", name="表单布局").locator(".qq-field-card")).to_have_count(len(FIELDS) + 1)  # + the subform
    assert no_horizontal_overflow(phone)
    screenshot(phone, "phone-3x-designer")
