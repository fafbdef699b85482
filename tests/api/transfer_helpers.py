"""Helpers of the import/export tests: small workbooks made in memory, uploads, job polling,
and the app with the transfer routes (until `qiqiao.app` lists them itself)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import xlsxwriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: list[list[Any]], formulas: dict[tuple[int, int], tuple[str, Any]] | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("数据")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for (r, c), (formula, cached) in (formulas or {}).items():
        sheet.write_formula(r, c, formula, None, cached)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode(encoding)


async def upload(client, url: str, content: bytes, name: str = "data.xlsx"):
    return await client.post(url, files={"file": (name, content, XLSX if name.endswith("xlsx") else "text/csv")})


async def wait_job(client, job_id: int, timeout: float = 30.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await client.get(f"/api/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job = response.json()
        if job["status"] in ("done", "failed"):
            return job
        assert asyncio.get_running_loop().time() < deadline, job
        await asyncio.sleep(0.02)


