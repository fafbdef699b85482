"""`record-create`, `bulk-api` and `list-page`: the records API over loopback HTTP against a real
server, each beside the raw database doing the same work in the same run.

Targets (2 cores): record-create ≥ 750/s at 16 clients (p95 ≤ 40 ms) and ≥ 300/s at 1 client;
bulk-api 100 000 records ≤ 10 s; list-page p95 ≤ 10 ms at 100 000 and ≤ 15 ms at 1 000 000.

record-create and list-page load the server through `bench.wire` (bare HTTP/1.1 keep-alive), so
the figure is not the load generator's own cost on the same two cores; record-create runs
two server processes on PostgreSQL and one on SQLite (QIQIAO_BENCH_WORKERS sets both)."""

from __future__ import annotations

import json
import os
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert, select

from bench.harness import Context, Figure, benchmark
from bench.server import load, p95, running_server
from bench.wire import WireClient
from core.db import create_engine
from engines.form.compiled import compile_form

APP = "bench"
STAGES = ["lead", "qualified", "proposal", "won", "lost"]
DEALS = {
    "key": "deals", "label": {"en": "Deals"}, "settings": {"title_field": "title"},
    "fields": [
        {"key": "title", "type": "text", "label": {"en": "Title"}, "required": True},
        {"key": "amount", "type": "money", "label": {"en": "Amount"}},
        {"key": "stage", "type": "single_select", "label": {"en": "Stage"},
         "options": {"choices": [{"value": s} for s in STAGES]}},
        {"key": "signed_on", "type": "date", "label": {"en": "Signed on"}},
        {"key": "probability", "type": "percent", "label": {"en": "Probability"}},
        {"key": "email", "type": "email", "label": {"en": "E-mail"}},
        {"key": "notes", "type": "textarea", "label": {"en": "Notes"}},
        {"key": "won", "type": "checkbox", "label": {"en": "Won"}},
    ],
}
SCALE = int(os.environ.get("QIQIAO_BENCH_SCALE", "1"))  # 0: a quick smoke run
# record-create's server processes. The API keeps no state between requests, so it scales out on
# PostgreSQL; SQLite takes one writer at a time, and a second process only adds lock waits (its
# writers poll busy_timeout instead of queueing on the first process's lock).
_WORKERS = os.environ.get("QIQIAO_BENCH_WORKERS")
WORKERS = {"sqlite": int(_WORKERS or 1), "postgresql": int(_WORKERS or 2)}


def _payload(i: int) -> dict:
    return {"title": f"Deal {i}", "amount": f"{(i * 37) % 1_000_000}.50", "stage": STAGES[i % 5],
            "signed_on": (date(2024, 1, 1) + timedelta(days=i % 700)).isoformat(), "probability": str(i % 100),
            "email": f"buyer{i}@example.com", "notes": "Follow up next week", "won": i % 5 == 3}


def _row(i: int, now: datetime) -> dict:
    p = _payload(i)
    return {"created_at": now, "updated_at": now, "created_by": 1, "updated_by": 1, "owner_id": 1, "version": 1,
            "draft": False, "title": p["title"], "amount": Decimal(p["amount"]), "stage": p["stage"],
            "signed_on": date.fromisoformat(p["signed_on"]), "probability": Decimal(p["probability"]),
            "email": p["email"], "notes": p["notes"], "won": p["won"]}


async def _preload(url: str, rows: int) -> None:
    form = compile_form(APP, DEALS)
    engine = create_engine(url)
    now = datetime.now(timezone.utc)
    try:
        for start in range(0, rows, 20_000):
            async with engine.begin() as conn:
                await conn.execute(insert(form.table), [_row(i, now) for i in range(start, min(rows, start + 20_000))])
    finally:
        await engine.dispose()


async def _raw_create(url: str, count: int, clients: int, seconds: float) -> tuple[float, list[float]]:
    form = compile_form(APP, DEALS)
    engine = create_engine(url, pool_size=clients)
    now = datetime.now(timezone.utc)

    async def one(i: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(form.table).values(_row(10_000_000 + i, now)))

    try:
        return await load(one, count, clients, seconds)
    finally:
        await engine.dispose()


@benchmark("record-create")
async def record_create(ctx: Context) -> list[Figure]:
    figures = []
    base_rows = 100_000 if SCALE else 2_000
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url, running_server(url, workers=WORKERS[backend]) as server:
            await server.publish(APP, DEALS)
            await _preload(url, base_rows)
            async with WireClient(server.base, {"authorization": f"Bearer {server.token}"}) as c:
                async def create(i: int) -> None:
                    response = await c.post(f"/api/apps/{APP}/forms/deals/records", _payload(base_rows + i))
                    if response.status_code != 201:
                        raise RuntimeError(response.text)

                for clients, count, seconds in ((16, 6000, 12.0), (1, 1500, 6.0)):
                    rate, lat = await load(create, count if SCALE else 100, clients, seconds)
                    raw_rate, raw_lat = await _raw_create(url, count if SCALE else 100, clients, seconds)
                    target = ">= 750/s, p95 <= 40 ms" if clients == 16 else ">= 300/s"
                    figures.append(Figure(f"record_create_{clients}_clients", rate, "records/s", raw_rate,
                                          "raw insert+commit", backend, target,
                                          {"p95_ms": round(p95(lat), 2), "raw_p95_ms": round(p95(raw_lat), 2),
                                           "server_workers": WORKERS[backend]}))
    return figures


@benchmark("bulk-api")
async def bulk_api(ctx: Context) -> list[Figure]:
    figures = []
    total = 100_000 if SCALE else 5_000
    batch = 10_000 if SCALE else 1_000
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url, running_server(url) as server:
            await server.publish(APP, DEALS)
            async with server.client() as c:
                start = time.perf_counter()
                for first in range(0, total, batch):
                    items = [_payload(i) for i in range(first, first + batch)]
                    response = await c.post(f"/api/apps/{APP}/forms/deals/records/bulk", json={"items": items})
                    if response.status_code != 201:
                        raise RuntimeError(response.text[:500])
                api_s = time.perf_counter() - start
            start = time.perf_counter()
            await _preload(url, total)
            raw_s = time.perf_counter() - start
            figures.append(Figure("bulk_api_100k" if SCALE else "bulk_api_smoke", api_s, "s", raw_s, "raw executemany",
                                  backend, "<= 10 s (stretch 5 s)"))
    return figures


@benchmark("list-page")
async def list_page(ctx: Context) -> list[Figure]:
    figures = []
    sizes = (100_000, 1_000_000) if SCALE else (2_000,)
    query = {"filter": json.dumps({"field": "stage", "op": "eq", "value": "won"}), "sort": "-signed_on", "limit": 50}
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url, running_server(url) as server:
            await server.publish(APP, DEALS)
            loaded = 0
            for size in sizes:
                await _preload_from(url, loaded, size)
                loaded = size
                async with WireClient(server.base, {"authorization": f"Bearer {server.token}"}) as c:
                    async def page(i: int) -> None:
                        response = await c.get(f"/api/apps/{APP}/forms/deals/records", params=query)
                        if response.status_code != 200 or len(response.json()["items"]) != 50:
                            raise RuntimeError(response.text[:300])

                    await load(page, 20, 1, 10)  # warm
                    _, lat = await load(page, 300, 1, 20)
                raw_lat = await _raw_page(url)
                target = "p95 <= 10 ms" if size == 100_000 else "p95 <= 15 ms"
                figures.append(Figure(f"list_page_p95_{size}", p95(lat), "ms", p95(raw_lat), "raw SELECT", backend, target))
    return figures


async def _preload_from(url: str, start: int, end: int, owner_depts: list[int] | None = None) -> None:
    """Rows start…end-1 with the raw driver, then ANALYZE; `owner_depts` are assigned round-robin."""
    form = compile_form(APP, DEALS)
    engine = create_engine(url)
    now = datetime.now(timezone.utc)

    def row(i: int) -> dict:
        values = _row(i, now)
        if owner_depts:
            values["owner_dept_id"] = owner_depts[i % len(owner_depts)]
        return values

    try:
        for first in range(start, end, 50_000):
            async with engine.begin() as conn:
                await conn.execute(insert(form.table), [row(i) for i in range(first, min(end, first + 50_000))])
        async with engine.connect() as conn:  # statistics, as a running system has them
            await conn.exec_driver_sql(f"ANALYZE {form.table_name}")
            await conn.commit()
    finally:
        await engine.dispose()


async def _raw_page(url: str) -> list[float]:
    form = compile_form(APP, DEALS)
    table = form.table
    engine = create_engine(url)
    statement = (select(table).where(table.c.deleted_at.is_(None), table.c.stage == "won")
                 .order_by(table.c.signed_on.desc().nulls_last(), table.c.id.desc()).limit(51))  # the API's own ORDER BY
    latencies = []
    try:
        async with engine.connect() as conn:
            for i in range(320):
                t0 = time.perf_counter()
                rows = (await conn.execute(statement)).mappings().all()
                if i >= 20:
                    latencies.append((time.perf_counter() - t0) * 1000)
                assert len(rows) == 51
    finally:
        await engine.dispose()
    return latencies


