"""Browser tests: the real server on a throwaway SQLite database, driven in Debian's Chromium.

One server per test session (per xdist worker) serves the built pages from frontend/dist,
listening on a free 127.0.0.1 port; it is stopped by its PID at the end. Screenshots land in
tests/e2e/artifacts/ (git-ignored) so a person can look at what the tests saw.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.e2e.helpers import DESKTOP

REPO = Path(__file__).resolve().parents[2]
DIST_INDEX = REPO / "frontend" / "dist" / "index.html"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "E2e-admin-Pa55word"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _qiqiao_command() -> list[str]:
    venv_cli = REPO / ".venv" / "bin" / "qiqiao"
    return [str(venv_cli)] if venv_cli.exists() else [sys.executable, "-m", "qiqiao"]


@dataclass
class Server:
    base_url: str
    admin_username: str
    admin_password: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not DIST_INDEX.is_file():
        pytest.fail(
            f"{DIST_INDEX.relative_to(REPO)} is missing: build the pages first "
            "(`make test` does; by hand: cd frontend && npm ci && npm run build)",
            pytrace=False,
        )
    tmp = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "QIQIAO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'e2e.db'}",
        "QIQIAO_VAR_DIR": str(tmp),
        "QIQIAO_FRONTEND_DIST": str(DIST_INDEX.parent),
        "QIQIAO_TEMPLATES_DIR": str(Path(__file__).resolve().parent / "catalogue"),  # the tests' own gallery
        "QIQIAO_LOG_LEVEL": "warning",
    }
    cli = _qiqiao_command()
    for args in (
        ["migrate"],
        ["create-admin", "--username", ADMIN_USERNAME, "--password", ADMIN_PASSWORD, "--display-name", "Admin"],
    ):
        done = subprocess.run(
            cli + args, env=env, cwd=tmp, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        if done.returncode != 0:
            pytest.fail(f"qiqiao {args[0]} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)

    port = _free_port()
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cli + ["serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    srv = Server(f"http://127.0.0.1:{port}", ADMIN_USERNAME, ADMIN_PASSWORD, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{srv.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{srv.base_url}/healthz", timeout=2) as response:
                    if response.status == 200 and json.load(response).get("status") == "ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not become healthy in 30 s:\n{srv.log_tail()}", pytrace=False)
            time.sleep(0.2)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageWatch:
    """What went wrong inside the page: uncaught errors and CSP violations fail the test."""

    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.errors, "the page reported errors:\n" + "\n".join(self.errors)


@pytest.fixture
def open_page(browser, server: Server) -> Iterator[Callable[..., tuple[object, PageWatch]]]:
    """`open_page(viewport=DESKTOP, locale="en-US")` → (page, watch), closed after the test."""
    contexts = []
    watches: list[PageWatch] = []

    def _open(viewport: dict = DESKTOP, locale: str = "en-US"):
        context = browser.new_context(viewport=viewport, locale=locale, base_url=server.base_url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch()
        watches.append(watch)
        page.on("pageerror", lambda exc: watch.errors.append(f"uncaught: {exc}"))

        def on_console(msg) -> None:
            text = msg.text
            if "Content Security Policy" in text or (msg.type == "error" and "status of 4" not in text):
                watch.errors.append(f"console {msg.type}: {text}")

        page.on("console", on_console)
        return page, watch

    yield _open
    for context in contexts:
        context.close()
    for watch in watches:
        watch.check()
