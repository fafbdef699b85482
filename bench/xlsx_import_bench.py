"""`xlsx-import`: a 100 000 × 8 workbook uploaded, checked, validated, inserted and listed end to
end through the HTTP API of a real server on loopback, beside the raw database inserting the
same rows (one executemany into the same table). Targets: ≤ 10 s wall time, server memory
growth ≤ 300 MiB."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import xlsxwriter
from sqlalchemy import insert

from bench.harness import Context, Figure, benchmark
from bench.records_bench import APP, DEALS, _payload, _row
from bench.server import Server, rss_mib, running_server
from core.db import create_engine
from engines.form.compiled import compile_form

ROWS = int(os.environ.get("QIQIAO_BENCH_XLSX_ROWS", "100000"))
HEADERS = [f["label"]["en"] for f in DEALS["fields"]]


def _workbook(path: Path, rows: int) -> None:
    book = xlsxwriter.Workbook(str(path))  # shared strings, as Excel writes them
    sheet = book.add_worksheet("Deals")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for i in range(rows):
        p = _payload(i)
        r = i + 1
        sheet.write_string(r, 0, p["title"])
        sheet.write_number(r, 1, float(p["amount"]))
        sheet.write_string(r, 2, p["stage"])
        sheet.write_datetime(r, 3, datetime.fromisoformat(p["signed_on"]), day)
        sheet.write_number(r, 4, int(p["probability"]))
        sheet.write_string(r, 5, p["email"])
        sheet.write_string(r, 6, p["notes"])
        sheet.write_string(r, 7, "是" if p["won"] else "否")
    book.close()


_server = running_server


async def _import(server: Server, content: bytes) -> dict:
    peak = rss_mib(server.pid)
    base = peak
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, rss_mib(server.pid))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    form_url = f"/api/apps/{APP}/forms/{DEALS['key']}"
    async with server.client() as client:
        start = time.perf_counter()
        uploaded = await client.post(f"{form_url}/imports", files={"file": ("deals.xlsx", content, "application/octet-stream")})
        uploaded.raise_for_status()
        preview = uploaded.json()
        upload_s = time.perf_counter() - start
        mapping = [m for m in preview["suggested_mapping"] if m["field"]]
        assert len(mapping) == len(HEADERS), preview["suggested_mapping"]
        started = await client.post(f"{form_url}/imports/{preview['id']}/run", json={"mapping": mapping})
        started.raise_for_status()
        job_id = started.json()["job_id"]
        while True:
            job = (await client.get(f"/api/jobs/{job_id}")).json()
            if job["status"] in ("done", "failed"):
                break
            await asyncio.sleep(0.1)
        job_s = time.perf_counter() - start - upload_s
        listed = (await client.get(f"{form_url}/records", params={"count": "true", "limit": 50, "sort": "-amount"})).json()
        wall = time.perf_counter() - start
    sampling = False
    await sampler
    assert job["status"] == "done" and job["result"]["created"] == ROWS, job
    assert listed["total"] == ROWS and len(listed["items"]) == 50, listed["total"]
    return {"wall": wall, "upload_s": upload_s, "job_s": job_s, "list_s": wall - upload_s - job_s,
            "rss_growth": peak - base, "rss_peak": peak}


async def _raw_insert(url: str) -> float:
    form = compile_form(APP, DEALS)
    now = datetime.now(timezone.utc)
    rows = [_row(i, now) for i in range(ROWS)]
    engine = create_engine(url)
    try:
        start = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(insert(form.table), rows)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


@benchmark("xlsx-import")
async def run(ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="qiqiao-xlsx-") as folder:
        path = Path(folder) / "deals.xlsx"
        await asyncio.to_thread(_workbook, path, ROWS)
        content = path.read_bytes()
        for backend, make_db in ctx.database_urls.items():
            async with make_db() as url:
                async with _server(url) as server:
                    await server.publish(APP, DEALS)
                    got = await _import(server, content)
                raw = await _raw_insert(url)
            notes = {"rows": ROWS, "file_mib": round(len(content) / 2**20, 2), "upload_and_preview_s": round(got["upload_s"], 2),
                     "job_s": round(got["job_s"], 2), "list_s": round(got["list_s"], 3), "rss_peak_mib": round(got["rss_peak"], 1)}
            figures.append(Figure("xlsx_import_100k_wall", got["wall"], "s", raw, "executemany of the same rows", backend,
                                  "<= 10 s", notes))
            figures.append(Figure("xlsx_import_rss_growth", got["rss_growth"], "MiB", None, None, backend, "<= 300 MiB"))
    return figures
