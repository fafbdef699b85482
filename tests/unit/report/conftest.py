"""The report engine's tests run on real tables: a small CRM on each backend."""

from __future__ import annotations

import pytest

from tests.unit.report.world import World, build


@pytest.fixture
async def crm(db_engine) -> World:
    return await build(db_engine)
