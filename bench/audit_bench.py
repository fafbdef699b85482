"""`audit`: 10 000 audit entries through the service layer vs a plain executemany of the same rows."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import insert, text

from bench.harness import Context, Figure, benchmark, migrated
from core.db import Database
from runtime.audit import service as audit
from runtime.context import Actor, Principal, RequestMeta
from runtime.tables import audit_log

N = 10_000
PER_TX = 1_000


def _rows(n: int) -> list[dict]:
    now = datetime.now(timezone.utc)
    return [
        {
            "at": now, "actor_id": 1, "actor_name": "bench", "action": "record.update", "target_type": "record",
            "target_id": str(i), "ip": "127.0.0.1", "user_agent": "bench", "request_id": None,
            "before": {"stage": "a"}, "after": {"stage": "b"},
        }
        for i in range(n)
    ]


@benchmark("audit")
async def run(ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    actor = Actor(Principal(1, "bench", "Bench"), RequestMeta("127.0.0.1", "bench"))
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url:
            await migrated(url)
            db = Database(url)
            try:
                # One unit of work holding 10 000 entries.
                start = time.perf_counter()
                async with db.transaction() as conn:
                    for i in range(N):
                        audit.record(conn, actor, "record.update", target_type="record", target_id=i,
                                     before={"stage": "a"}, after={"stage": "b"})
                service_s = time.perf_counter() - start
                rows = _rows(N)
                start = time.perf_counter()
                async with db.engine.begin() as conn:
                    await conn.execute(insert(audit_log), rows)
                raw_s = time.perf_counter() - start
                figures.append(Figure("audit_10k_one_transaction", service_s, "s", raw_s, "executemany", backend))

                # One entry per unit of work, as requests write them.
                start = time.perf_counter()
                for i in range(PER_TX):
                    async with db.transaction() as conn:
                        audit.record(conn, actor, "record.update", target_type="record", target_id=i)
                service_tx = PER_TX / (time.perf_counter() - start)
                one = _rows(1)[0]
                start = time.perf_counter()
                for _ in range(PER_TX):
                    async with db.engine.begin() as conn:
                        await conn.execute(insert(audit_log), one)
                raw_tx = PER_TX / (time.perf_counter() - start)
                figures.append(Figure("audit_entry_per_transaction", service_tx, "entries/s", raw_tx,
                                      "insert+commit", backend))
                async with db.engine.connect() as conn:
                    count = (await conn.execute(text("SELECT count(*) FROM audit_log"))).scalar()
                assert count == 2 * (N + PER_TX), count
            finally:
                await db.dispose()
    return figures
