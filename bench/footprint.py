"""`footprint`: resident memory of an idle `qiqiao serve`, and the time from start to the first
healthy `/healthz`. Targets: ≤ 150 MiB (peers idle above 225 MiB) and ≤ 3 s."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time

import httpx

from bench.harness import Context, Figure, benchmark
from bench.server import free_port, rss_mib

IDLE_SECONDS = 3.0


def _qiqiao() -> list[str]:
    return [sys.executable, "-m", "qiqiao"]


@benchmark("footprint")
async def run(ctx: Context) -> list[Figure]:
    figures = []
    for backend, make_db in ctx.database_urls.items():
        async with make_db() as url:
            with tempfile.TemporaryDirectory(prefix="qiqiao-footprint-") as tmp:
                env = {**os.environ, "QIQIAO_DATABASE_URL": url, "QIQIAO_VAR_DIR": tmp, "QIQIAO_LOG_LEVEL": "warning"}
                subprocess.run([*_qiqiao(), "migrate"], env=env, check=True, capture_output=True)
                port = free_port()
                start = time.perf_counter()
                proc = subprocess.Popen(
                    [*_qiqiao(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                try:
                    ready = await _wait_healthy(port, start, timeout=30)
                    await asyncio.sleep(IDLE_SECONDS)
                    rss = rss_mib(proc.pid)
                    baseline = _bare_python_rss()
                finally:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                figures.append(Figure("idle_rss", rss, "MiB", baseline, "bare python interpreter", backend, "<= 150 MiB"))
                figures.append(Figure("start_to_healthz", ready, "s", None, None, backend, "<= 3 s"))
    return figures


async def _wait_healthy(port: int, start: float, timeout: float) -> float:
    async with httpx.AsyncClient() as client:
        while time.perf_counter() - start < timeout:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=1)).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)
    raise TimeoutError("qiqiao serve did not become healthy")


def _bare_python_rss() -> float:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        time.sleep(0.5)
        return rss_mib(proc.pid)
    finally:
        proc.kill()
        proc.wait()


