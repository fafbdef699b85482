"""Shared fixtures: throwaway databases on SQLite and PostgreSQL, the app, signed-in clients.

Every database-touching test takes `backend` (directly or through a fixture) and so runs once
per backend. PostgreSQL tests create and drop their own databases on the server named by
QIQIAO_TEST_DATABASE_URL (default: the local server, database `postgres`) and touch no other.
With QIQIAO_REQUIRE_POSTGRES=1 (set by CI) an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from pathlib import Path
from typing import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import FrozenClock, utcnow
from core.db import create_engine
from core.settings import Settings

PG_URL = os.environ.get("QIQIAO_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("QIQIAO_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgresql")
ADMIN_PASSWORD = "admin-Pa55word!"
TEST_SECRET = "test-secret-" + "x" * 40


# -- PostgreSQL server housekeeping --------------------------------------------------------------


def _pg_dsn(database: str | None = None) -> str:
    url = make_url(PG_URL)
    if database:
        url = url.set(database=database)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_reachable() -> bool:
    try:
        asyncio.run(_pg_execute("SELECT 1"))
        return True
    except Exception:
        return False


def pg_url_for(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_available() -> bool:
    ok = _pg_reachable()
    if not ok and REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (QIQIAO_REQUIRE_POSTGRES=1) but not reachable at {_pg_dsn()}")
    return ok


def _unique(prefix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory, pg_available: bool):
    """One migrated database per backend per test process, copied for each test."""
    from core.migrate import upgrade

    templates: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{sqlite_file}")
    templates["sqlite"] = str(sqlite_file)
    pg_template = None
    if pg_available:
        pg_template = _unique("qiqiao_tmpl")
        asyncio.run(_pg_execute(f'CREATE DATABASE "{pg_template}"'))
        upgrade(pg_url_for(pg_template))
        templates["postgresql"] = pg_template
    yield templates
    if pg_template:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{pg_template}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, pg_available: bool) -> str:
    if request.param == "postgresql" and not pg_available:
        pytest.skip("PostgreSQL not reachable")
    return request.param


async def _fresh_database(backend: str, tmp_path: Path, template: str | None) -> AsyncIterator[str]:
    if backend == "sqlite":
        path = tmp_path / f"{secrets.token_hex(4)}.db"
        if template:
            shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = _unique("qiqiao_t")
    clause = f' TEMPLATE "{template}"' if template else ""
    await _pg_execute(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield pg_url_for(name)
    finally:
        await _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def empty_db_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database (no platform tables)."""
    async for url in _fresh_database(backend, tmp_path, None):
        yield url


@pytest.fixture
async def db_engine(empty_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(empty_db_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def db_url(backend: str, tmp_path: Path, migrated_templates: dict[str, str]) -> AsyncIterator[str]:
    """A fresh database with the platform's migrations applied."""
    async for url in _fresh_database(backend, tmp_path, migrated_templates[backend]):
        yield url


# -- The application --------------------------------------------------------------------------


@pytest.fixture
def clock() -> FrozenClock:
    """Real time at the start of the test, moving only when the test advances it."""
    return FrozenClock(utcnow())


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        var_dir=tmp_path / "var",
        secret_key=TEST_SECRET,
        frontend_dist=tmp_path / "no-frontend",
        max_body_bytes=1024 * 1024,
        max_upload_bytes=2 * 1024 * 1024,
        run_worker=False,  # tests drive `Worker.run_once()` themselves
    )


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock):
    from qiqiao.app import create_app
    from runtime.bootstrap import ensure_admin

    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        await ensure_admin(application.state.db, clock, "admin", ADMIN_PASSWORD, "Administrator")
        yield application


def make_client(app, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.AsyncClient:
    response = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = client.cookies["qiqiao_csrf"]
    return client


@pytest.fixture
async def anon(app) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as client:
        yield client


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the platform administrator, CSRF header set."""
    async with make_client(app) as c:
        yield await sign_in(c, "admin", ADMIN_PASSWORD)


@pytest.fixture
async def login(app) -> AsyncIterator:
    """Factory: `await login("alice", "pw")` gives a client signed in as that user."""
    opened: list[httpx.AsyncClient] = []

    async def _login(username: str, password: str, ip: str = "127.0.0.1") -> httpx.AsyncClient:
        c = make_client(app, ip)
        opened.append(c)
        return await sign_in(c, username, password)

    yield _login
    for c in opened:
        await c.aclose()


@pytest.fixture
def make_user(client: httpx.AsyncClient):
    """Factory creating a user through the admin API; returns the user JSON."""

    async def _make(username: str, password: str = "user-Pa55word", **extra) -> dict:
        body = {"username": username, "display_name": extra.pop("display_name", username.title()), "password": password}
        body.update(extra)
        response = await client.post("/api/admin/users", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return _make


# -- Reporting which backends ran ------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = {b: 0 for b in BACKENDS}
    for report in terminalreporter.stats.get("passed", []):
        for b in BACKENDS:
            if f"[{b}" in report.nodeid or f"-{b}]" in report.nodeid or f"-{b}-" in report.nodeid:
                counts[b] += 1
    terminalreporter.write_line(
        "database backends exercised: " + ", ".join(f"{b}: {n} passed" for b, n in counts.items())
    )

