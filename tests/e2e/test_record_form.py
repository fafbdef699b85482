"""The record form as a person fills it in: an order form with more than twelve field types made
through the API, then — in the browser, on /apps/…/forms/…/new — required fields and a phone
number refused before sending, a field that appears when its visibility rule holds, a formula
recomputed as amounts are typed, a linked customer picked by search, an address picked province
by province, a subform grid with its totals, a drawn signature and an uploaded file; a duplicate
the server refuses shown at its field; then an edit that meets someone else's change and merges.
Desktop and phone screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import DESKTOP, PHONE, Api, no_horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.e2e

APP = "rf_shop"
APP_URL = f"/api/apps/{APP}"


def _f(key: str, type_: str, en: str, zh: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": {"en": en, "zh-CN": zh}, **extra}


CUSTOMERS = {
    "key": "customers",
    "label": {"en": "Customers", "zh-CN": "客户"},
    "settings": {"title_field": "name"},
    "fields": [_f("name", "text", "Name", "名称", required=True)],
}

ORDERS = {
    "key": "orders",
    "label": {"en": "Orders", "zh-CN": "订单"},
    "settings": {"title_field": "title", "columns": 2},
    "fields": [
        _f("title", "text", "Title", "标题", required=True),
        _f("kind", "single_select", "Kind", "类型", options={
            "display": "radio",
            "choices": [{"value": "standard", "label": {"en": "Standard", "zh-CN": "标准"}, "colour": "blue"},
                        {"value": "special", "label": {"en": "Special", "zh-CN": "特殊"}, "colour": "red"}]}),
        _f("special_reason", "textarea", "Why special", "特殊原因", required=True, visible_when='kind = "special"'),
        _f("customer", "link", "Customer", "客户", options={"form": "customers"}),
        _f("phone", "phone", "Phone", "电话"),
        _f("email", "email", "Email", "邮箱", unique=True),
        _f("amount", "money", "Amount", "金额", options={"currency": "CNY", "min": "0"}),
        _f("doubled", "formula", "Doubled", "两倍", options={"expression": "amount * 2", "precision": 2}),
        _f("discount", "percent", "Discount", "折扣"),
        _f("priority", "rating", "Priority", "优先级", options={"max": 5}),
        _f("due_on", "date", "Due on", "交付日期"),
        _f("urgent", "checkbox", "Urgent", "加急"),
        _f("tags", "multi_select", "Tags", "标签", options={
            "display": "checkboxes", "choices": [{"value": "gift", "colour": "gold"}, {"value": "fragile", "colour": "red"},
                                                 {"value": "xss", "label": {"en": "<img src=x onerror=alert(1)>"}}]}),
        _f("owner", "member", "Owner", "负责人"),
        _f("delivery", "section", "Delivery", "交付"),
        _f("ship_to", "address", "Ship to", "收货地址", options={"level": "district"}, layout={"span": 2}),
        _f("spot", "location", "Drop-off point", "交接位置"),
        _f("website", "url", "Website", "网址"),
        _f("note", "description", "Note", "说明", options={"content": {"en": "<p>Check the lines <strong>before</strong> sending.</p>",
                                                                     "zh-CN": "<p>提交前请<strong>核对</strong>明细。</p>"}, "tone": "info"}),
        _f("items", "subform", "Lines", "明细", fields=[
            _f("product", "text", "Product", "产品", required=True),
            _f("qty", "number", "Qty", "数量"),
            _f("price", "money", "Price", "单价"),
            _f("line_total", "formula", "Line total", "小计", options={"expression": "qty * price", "precision": 2}),
        ]),
        _f("remarks", "rich_text", "Remarks", "备注"),
        _f("signature", "signature", "Signature", "签名"),
        _f("files", "attachment", "Files", "附件"),
    ],
}


def _make_app(api: Api) -> None:
    api.call("POST", "/api/apps", {"key": APP, "name": "Shop"}, status=201)
    for form in (CUSTOMERS, ORDERS):
        api.call("POST", f"{APP_URL}/forms", {"definition": form}, status=201)
        api.call("POST", f"{APP_URL}/forms/{form['key']}/publish", {})
    for name in ("Acme Trading", "Globex Foods"):
        api.call("POST", f"{APP_URL}/forms/customers/records", {"name": name}, status=201)
    # Someone already used this address: the server will refuse it again (unique).
    api.call("POST", f"{APP_URL}/forms/orders/records", {"title": "Earlier order", "email": "buyer@example.com"}, status=201)


def _item(page: Page, label: str):
    """The form item (label + control + messages) a person sees under `label`."""
    return page.locator(".ant-form-item").filter(has=page.get_by_text(label, exact=True)).first


def _pick(page: Page, combobox, option: str | re.Pattern) -> None:
    combobox.click()
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter(
        has_text=option).first.click()


def _cascade(page: Page, trigger, *levels: str) -> None:
    trigger.click()
    for index, name in enumerate(levels):
        menu = page.locator(".ant-cascader-dropdown:not(.ant-select-dropdown-hidden) .ant-cascader-menu").nth(index)
        menu.locator(".ant-cascader-menu-item").filter(has_text=re.compile(f"^{re.escape(name)}$")).first.click()


def _draw(page: Page, canvas) -> None:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=2)
    page.mouse.up()


def test_a_person_fills_in_an_order_with_every_kind_of_field(open_page, server, tmp_path):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    api = Api(page)
    _make_app(api)

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/apps/{APP}/forms/orders/new")
    form = page.locator("form.qq-record-form")
    expect(form.get_by_label("Title")).to_be_visible()
    # A builder's label that looks like HTML is shown as text, never run.
    expect(form.get_by_text("<img src=x onerror=alert(1)>")).to_be_visible()
    # The rule's field stays away until its condition holds.
    expect(page.get_by_text("Why special", exact=True)).to_be_hidden()
    screenshot(page, "desktop-40-record-form-empty")

    # Nothing sent yet: the required title and a bad phone are refused in the browser.
    form.get_by_label("Phone").fill("12345")
    page.get_by_role("button", name="Create").click()
    expect(_item(page, "Title")).to_contain_text("This field is required.")
    expect(_item(page, "Phone")).to_contain_text("Not a phone number")
    form.get_by_label("Phone").fill("138 1234 5678")
    expect(_item(page, "Phone")).not_to_contain_text("Not a phone number")
    form.get_by_label("Title").fill("Wedding cake")

    # Picking "Special" shows the reason asked for by the visibility rule (evaluated by the server).
    form.get_by_label("Special").check()
    expect(form.get_by_label("Why special")).to_be_visible()
    form.get_by_label("Why special").fill("Three tiers, delivered cold")

    # A formula follows the amount as it is typed.
    form.get_by_label("Amount").fill("1234.5")
    expect(_item(page, "Doubled")).to_contain_text("2,469.00")
    form.get_by_label("Discount").fill("12.5")
    _item(page, "Priority").locator(".ant-rate-star").nth(3).click()
    form.get_by_label("Due on").fill("2030-05-31")
    form.get_by_label("Due on").press("Enter")
    form.get_by_label("Urgent").click()
    form.get_by_label("fragile").check()
    form.get_by_label("Email").fill("buyer@example.com")  # already used: the server will say so

    # A linked customer, found by searching its records.
    customer = form.get_by_label("Customer")
    customer.click()
    customer.fill("Acme")
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter(
        has_text="Acme Trading").first.click()
    _pick(page, form.get_by_label("Owner"), "Admin")

    # Ship to: province, city, district from the divisions, then the detail line.
    _cascade(page, form.get_by_label("Ship to"), "广东省", "深圳市", "南山区")
    form.get_by_label("Street, building, room").fill("Keji Road 1")
    form.get_by_label("Latitude").fill("22.54")
    form.get_by_label("Longitude").fill("113.95")
    form.get_by_label("Website").fill("www.example.com")

    # The lines grid: two rows, each column its own widget, a line formula and a totals row.
    lines = _item(page, "Lines")
    lines.get_by_role("button", name="Add a row").click()
    lines.get_by_role("button", name="Add a row").click()
    grid = lines.locator("table")
    grid.locator("[aria-label='Product 1'] input").fill("Sponge")
    grid.locator("[aria-label='Qty 1'] input").fill("2")
    grid.locator("[aria-label='Price 1'] input").fill("3.5")
    grid.locator("[aria-label='Product 2'] input").fill("Cream")
    grid.locator("[aria-label='Qty 2'] input").fill("1")
    grid.locator("[aria-label='Price 2'] input").fill("10")
    expect(grid.locator("[aria-label='Line total 1']")).to_contain_text("7.00")
    expect(lines.locator(".ant-table-summary")).to_contain_text("3")  # qty total
    expect(lines.locator(".ant-table-summary")).to_contain_text("17.00")  # line totals

    # Rich text: the editor loads on first use; a bold word stays bold.
    remarks = form.get_by_role("textbox", name="Remarks")
    remarks.click()
    page.keyboard.type("Deliver before ")
    form.get_by_role("button", name="Bold").click()
    expect(remarks).to_be_focused()  # the toolbar hands the caret back to the editor
    page.keyboard.type("noon")

    # A signature drawn on the pad, kept as a PNG in the file store; a file uploaded beside it.
    _draw(page, form.get_by_role("img", name=re.compile("Signature pad")))
    form.get_by_role("button", name="Use this signature").click()
    expect(form.get_by_role("button", name="Sign again")).to_be_visible()
    attachment = tmp_path / "recipe.txt"
    attachment.write_text("flour, eggs, sugar")
    _item(page, "Files").locator("input[type=file]").set_input_files(str(attachment))
    expect(_item(page, "Files")).to_contain_text("recipe.txt")
    screenshot(page, "desktop-41-record-form-filled")

    # The server refuses the e-mail already used: the message sits at the Email field.
    page.get_by_role("button", name="Create").click()
    expect(_item(page, "Email")).to_contain_text("already used")
    screenshot(page, "desktop-42-record-form-server-error")
    form.get_by_label("Email").fill("cakes@example.com")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(re.compile(rf"/apps/{APP}/forms/orders/records/\d+$"))
    record_id = int(page.url.rsplit("/", 1)[1])

    saved = api.call("GET", f"{APP_URL}/forms/orders/records/{record_id}")
    assert saved["title"] == "Wedding cake" and saved["kind"] == "special"
    assert saved["special_reason"] == "Three tiers, delivered cold"
    assert saved["phone"] == "13812345678" and saved["amount"] == "1234.50" and saved["doubled"] == "2469.00"
    assert saved["discount"] == "12.50" and saved["priority"] == 4 and saved["urgent"] is True
    assert saved["tags"] == ["fragile"] and saved["due_on"] == "2030-05-31"
    assert saved["ship_to"]["district"] == "南山区" and saved["ship_to"]["detail"] == "Keji Road 1"
    assert saved["spot"] == {"lat": 22.54, "lng": 113.95}
    assert saved["website"] == "https://www.example.com/"
    assert [(r["product"], r["qty"], r["line_total"]) for r in saved["items"]] == [("Sponge", "2", "7.00"), ("Cream", "1", "10.00")]
    assert len(saved["signature"]) == 1 and saved["signature"][0]["content_type"] == "image/png"
    assert [f["name"] for f in saved["files"]] == ["recipe.txt"]
    assert isinstance(saved["customer"], int) and isinstance(saved["owner"], int)
    assert saved["remarks"] == "<p>Deliver before <strong>noon</strong></p>"

    # An edit meets someone else's change: the dialog shows theirs and mine, and merges.
    page.get_by_role("button", name="Edit", exact=True).click()
    form = page.locator("form.qq-record-form")
    form.get_by_label("Title").fill("Wedding cake, 3 tiers")
    form.get_by_label("Amount").fill("1500")
    api.call("PATCH", f"{APP_URL}/forms/orders/records/{record_id}",
             {"version": saved["version"], "amount": "1300", "discount": "5"})
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog", name="Someone else changed this record")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("row").filter(has_text="Amount")).to_contain_text("You both changed it")
    expect(dialog.get_by_role("row").filter(has_text="Discount")).to_be_visible()
    screenshot(page, "desktop-43-record-form-conflict")
    dialog.get_by_role("button", name="Save with my choices").click()
    expect(dialog).to_be_hidden()
    expect(form).to_be_hidden()  # saved: the page leaves edit mode
    merged = api.call("GET", f"{APP_URL}/forms/orders/records/{record_id}")
    assert merged["title"] == "Wedding cake, 3 tiers"  # mine: only I changed it
    assert merged["amount"] == "1500.00"  # both changed it: mine kept by default
    assert merged["discount"] == "5.00"  # theirs: I left it alone
    assert merged["version"] == saved["version"] + 2
    assert dialogs == []


def test_the_record_form_fits_a_phone(open_page, server):
    page, _ = open_page(PHONE, locale="zh-CN")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page).not_to_have_url(re.compile("/login"))
    expect(page.get_by_role("button", name=re.compile("Admin"))).to_be_visible()
    api = Api(page)
    if api.request.get(f"{APP_URL}/forms/orders").status == 404:
        _make_app(api)
    page.goto(f"/apps/{APP}/forms/orders/new")
    form = page.locator("form.qq-record-form")
    expect(form.get_by_label("标题")).to_be_visible()
    _item(page, "明细").get_by_role("button", name="添加一行").click()
    page.get_by_role("button", name=re.compile("^(创 ?建|提 ?交)$")).click()
    expect(_item(page, "标题")).to_contain_text("此项必填。")
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-40-record-form")
