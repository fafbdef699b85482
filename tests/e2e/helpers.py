"""Steps a person takes on every visit, shared by the browser tests."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label(re.compile("^(Username|用户名)$")).fill(username)
    page.get_by_label(re.compile("^(Password|密码)$")).fill(password)
    page.get_by_role("button", name=re.compile("^(Sign in|登 ?录)$")).click()


def choose_language(page: Page, language: str) -> None:
    page.get_by_role("button", name=re.compile("^(Language|界面语言)")).click()
    page.get_by_role("menuitem", name=language).click()


def open_admin_page(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()


def no_horizontal_overflow(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Saves what the page shows under tests/e2e/artifacts/ (git-ignored) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Let transitions (drawers sliding, spinners fading) finish rather than catch them halfway;
    # Playwright's animations="disabled" freezes antd's dialogs before they appear.
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=full_page)
    return path


class Api:
    """The platform's API, called with the signed-in browser's own session and CSRF token."""

    def __init__(self, page: Page) -> None:
        self.request = page.context.request
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "qiqiao_csrf")
        self.headers = {"X-CSRF-Token": csrf}

    def call(self, method: str, url: str, body: dict | None = None, status: int = 200) -> dict:
        response = self.request.fetch(url, method=method, data=body, headers=self.headers)
        assert response.status == status, f"{method} {url}: {response.status} {response.text()}"
        return response.json() if response.status != 204 else {}
