"""The foundation as a person meets it: sign in, switch language, build the organisation
through the admin pages, hand a colleague an account, and see it work for them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import DESKTOP, PHONE, choose_language, no_horizontal_overflow, open_admin_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_admin_builds_the_organisation_and_a_colleague_signs_in(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("heading", name="七巧 Qiqiao")).to_be_visible()
    screenshot(page, "desktop-01-login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    expect(page).to_have_url(f"{server.base_url}/")

    # The language switch changes what the page says, and the choice is remembered.
    choose_language(page, "简体中文")
    expect(page.get_by_role("heading", name="你好，Admin")).to_be_visible()
    expect(page.get_by_role("navigation", name="主菜单").get_by_role("link", name="首页")).to_be_visible()
    screenshot(page, "desktop-02-home-zh")
    page.reload()
    expect(page.get_by_role("heading", name="你好，Admin")).to_be_visible()
    choose_language(page, "English")
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    screenshot(page, "desktop-03-home-en")

    # A department, made through the page.
    open_admin_page(page, "Departments")
    page.get_by_role("button", name="New department").click()
    dialog = page.get_by_role("dialog", name="New department")
    dialog.get_by_label("Department name").fill("East Sales")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("tree").get_by_text("East Sales")).to_be_visible()
    screenshot(page, "desktop-04-departments")

    # A colleague in that department, made through the page.
    open_admin_page(page, "Users")
    page.get_by_role("button", name="New user").click()
    drawer = page.get_by_role("dialog", name="New user")
    drawer.get_by_label("Username").fill("li.lei")
    drawer.get_by_label("Name", exact=True).fill("Li Lei")
    drawer.get_by_label("E-mail").fill("li.lei@example.com")
    drawer.get_by_label("Password").fill("Li-Lei-Pa55word")
    drawer.get_by_label("Departments").click()
    page.locator(".ant-select-tree").get_by_text("East Sales").click()
    page.keyboard.press("Escape")
    screenshot(page, "desktop-05-new-user")
    drawer.get_by_role("button", name="Create").click()
    expect(drawer).to_be_hidden()
    row = page.get_by_role("row").filter(has_text="li.lei")
    expect(row).to_contain_text("Li Lei")
    expect(row).to_contain_text("East Sales")
    screenshot(page, "desktop-06-users")

    # Sign out, and the colleague signs in.
    page.get_by_role("button", name="Account menu of Admin").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    sign_in(page, "li.lei", "Li-Lei-Pa55word")
    expect(page.get_by_role("heading", name="Hello, Li Lei")).to_be_visible()
    expect(page.get_by_text("East Sales")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu").get_by_text("Administration")).to_have_count(0)
    screenshot(page, "desktop-07-colleague-home")


def test_wrong_password_is_refused_on_a_phone_without_sideways_scrolling(open_page, server):
    page, _ = open_page(PHONE, locale="en-US")
    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-01-login")

    # By keyboard alone: the username field has focus, Tab moves on, Enter submits.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(server.admin_username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page).to_have_url(re.compile(r"/login"))
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-02-login-failed")


def test_admin_pages_fit_a_phone(open_page, server):
    page, _ = open_page(PHONE, locale="zh-CN")
    page.goto("/login")
    expect(page.get_by_role("button", name=re.compile("登 ?录"))).to_be_visible()
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="你好，Admin")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-03-home")

    # On a phone the side menu is a drawer behind the menu button.
    page.get_by_role("button", name="打开菜单").click()
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="审计日志")).to_be_visible()
    screenshot(page, "phone-04-menu", full_page=False)
    menu.get_by_role("link", name="用户").click()
    expect(page.get_by_role("heading", level=2, name="用户")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="admin")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-05-users")

    for path, heading in (("/admin/departments", "部门"), ("/admin/roles", "角色"), ("/admin/audit", "审计日志")):
        page.goto(path)
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
        assert no_horizontal_overflow(page), path
        screenshot(page, f"phone-{path.rsplit('/', 1)[-1]}")
