"""The template gallery of "New app": a template of the catalogue installed whole, with its demo
data, as a person would (the tests' own catalogue: tests/e2e/catalogue)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_an_app_is_installed_from_a_template_with_its_demo_data(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    page.get_by_role("button", name="New app").click()
    dialog = page.get_by_role("dialog", name="New app")
    dialog.get_by_role("radio", name=re.compile("Template")).locator("xpath=ancestor::label").click()
    dialog.get_by_text("Customer visits").click()
    expect(dialog.get_by_label("Name")).to_have_value("Customer visits")
    expect(dialog.get_by_label("Key")).to_have_value("visits")
    dialog.get_by_label("Key").fill("visits_demo")
    dialog.get_by_text("Fill it with demo data").click()
    screenshot(page, "desktop-3x-new-app-from-template")
    dialog.get_by_role("button", name=re.compile("Create")).click()
    expect(page).to_have_url(re.compile(r"/apps/visits_demo"))
    expect(page.get_by_role("link", name="Globex")).to_be_visible()
    expect(page.get_by_role("link", name="Initech")).to_be_visible()
    screenshot(page, "desktop-3x-template-installed")
