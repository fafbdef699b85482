"""`scoped-list`: a page of 50 over 1 000 000 records, read by a sales manager whose data scope is
their department and every department below it, beside the same page read without a scope (an
app administrator), through the real server in the same run. Target: within 1.3×.

The org: 10 regions of 5 teams under one root (61 departments); records are owned round-robin
across the 60 regional and team departments, so the manager's region (itself and its 5 teams)
owns a tenth of them."""

from __future__ import annotations

import json
import os

from bench.harness import Context, Figure, benchmark
from bench.records_bench import APP, DEALS, _preload_from
from bench.server import load, p95, running_server

SCALE = int(os.environ.get("QIQIAO_BENCH_SCALE", "1"))
PASSWORD = "bench-manager-Pa55"


async def _org(c) -> tuple[list[int], int]:
    """Departments (root, 10 regions, 5 teams each); returns the owning departments and region 0."""
    root = (await c.post("/api/admin/departments", json={"name": "HQ"})).json()["id"]
    owners, first_region = [], 0
    for r in range(10):
        region = (await c.post("/api/admin/departments", json={"name": f"Region {r}", "parent_id": root})).json()["id"]
        first_region = first_region or region
        owners.append(region)
        for t in range(5):
            team = await c.post("/api/admin/departments", json={"name": f"Team {r}.{t}", "parent_id": region})
            owners.append(team.json()["id"])
    return owners, first_region


@benchmark("scoped-list")
async def scoped_list(ctx: Context) -> list[Figure]:
    figures = []
    size = 1_000_000 if SCALE else 20_000
    query = {"filter": json.dumps({"field": "stage", "op": "eq", "value": "won"}), "sort": "-signed_on", "limit": 50}
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url, running_server(url) as server:
            await server.publish(APP, DEALS)
            async with server.client() as admin:
                owners, region = await _org(admin)
                user = await admin.post("/api/admin/users", json={"username": "manager", "display_name": "Manager",
                                                                  "password": PASSWORD, "department_ids": [region]})
                user.raise_for_status()
                (await admin.post(f"/api/apps/{APP}/roles", json={"key": "managers", "name": "Managers"})).raise_for_status()
                (await admin.put(f"/api/apps/{APP}/roles/managers/members",
                                 json={"users": [user.json()["id"]], "departments": [], "roles": []})).raise_for_status()
                (await admin.put(f"/api/apps/{APP}/forms/deals/permissions/managers",
                                 json={"actions": ["view"], "data_scope": {"kind": "department_tree"}})).raise_for_status()
            await _preload_from(url, 0, size, owners)
            token = await server.token_for("manager", PASSWORD)
            latencies = {}
            for who, bearer in (("admin", server.token), ("manager", token)):
                async with server.client(headers={"Authorization": f"Bearer {bearer}"}) as c:
                    async def page(i: int) -> None:
                        response = await c.get(f"/api/apps/{APP}/forms/deals/records", params=query)
                        if response.status_code != 200 or len(response.json()["items"]) != 50:
                            raise RuntimeError(response.text[:300])

                    await load(page, 20, 1, 10)  # warm
                    _, latencies[who] = await load(page, 300, 1, 20)
            figures.append(Figure(f"scoped_list_p95_{size}", p95(latencies["manager"]), "ms", p95(latencies["admin"]),
                                  "same page, no scope", backend, "<= 1.3x"))
    return figures
