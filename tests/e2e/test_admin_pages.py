"""The rest of the admin area and the personal settings, at desktop size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, open_admin_page, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_admin_manages_roles_reads_the_audit_log_and_keeps_an_api_token(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()

    # Roles: builtin ones are named in the reader's language and cannot be deleted.
    open_admin_page(page, "Roles")
    builtin = page.get_by_role("row").filter(has_text="Platform admin")
    expect(builtin.get_by_role("button", name="Delete")).to_be_disabled()
    page.get_by_role("button", name="New role").click()
    dialog = page.get_by_role("dialog", name="New role")
    dialog.get_by_label("Key").fill("sales_rep")
    dialog.get_by_label("Name").fill("Sales rep")
    dialog.get_by_label("Description").fill("Works the leads of a region")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    custom = page.get_by_role("row").filter(has_text="sales_rep")
    expect(custom).to_contain_text("Sales rep")
    expect(custom.get_by_role("button", name="Delete")).to_be_enabled()
    screenshot(page, "desktop-08-roles")

    # A key the server refuses shows its reason at the field.
    page.get_by_role("button", name="New role").click()
    dialog.get_by_label("Key").fill("sales_rep")
    dialog.get_by_label("Name").fill("Again")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_text(re.compile("exists|taken|already", re.I)).first).to_be_visible()
    screenshot(page, "desktop-09-role-conflict")
    dialog.get_by_role("button", name="Cancel").click()

    # The audit log shows what just happened, with the state after it.
    open_admin_page(page, "Audit log")
    row = page.get_by_role("row").filter(has_text="Created role").first
    expect(row).to_be_visible()
    row.get_by_role("button", name=re.compile("Expand row", re.I)).click()
    expect(page.get_by_text('"key": "sales_rep"').first).to_be_visible()
    screenshot(page, "desktop-10-audit")

    # A personal API token is shown once, then only by its prefix.
    page.get_by_role("button", name="Account menu of Admin").click()
    page.get_by_role("menuitem", name="API tokens").click()
    page.get_by_role("button", name="New token").click()
    dialog = page.get_by_role("dialog", name="New token")
    dialog.get_by_label("Name").fill("Nightly export")
    dialog.get_by_role("button", name="Create").click()
    shown = page.get_by_role("dialog", name="Your new token")
    expect(shown).to_contain_text("shown only this once")
    screenshot(page, "desktop-11-token-shown-once")
    shown.get_by_role("button", name="I have copied it").click()
    token_row = page.get_by_role("row").filter(has_text="Nightly export")
    expect(token_row).to_contain_text("Active")
    token_row.get_by_role("button", name="Revoke").click()
    page.get_by_role("tooltip").get_by_role("button", name="Revoke").click()
    expect(token_row).to_contain_text("Revoked")
    screenshot(page, "desktop-12-tokens")
