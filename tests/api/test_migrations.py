"""The platform's migrations go up, down and up again, and match the declared tables."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.db import create_engine
from core.migrate import downgrade, upgrade
from runtime.tables import metadata


async def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_and_no_drift(empty_db_url):
    # Alembic runs its own event loop, so it goes to a thread.
    await asyncio.to_thread(upgrade, empty_db_url)
    await asyncio.to_thread(downgrade, empty_db_url, "base")
    await asyncio.to_thread(upgrade, empty_db_url)
    assert await _diff(empty_db_url) == []
