"""A real `qiqiao serve` on loopback for benchmarks: migrated database, an admin with an API
token, helpers to publish forms and preload rows with the raw driver."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import httpx

ADMIN_PASSWORD = "bench-Pa55word-1"


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    import psutil

    process = psutil.Process(pid)
    return (process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))) / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def running_server(database_url: str, workers: int = 1, env: dict[str, str] | None = None) -> AsyncIterator["Server"]:
    with tempfile.TemporaryDirectory(prefix="qiqiao-bench-") as tmp:
        env = {**os.environ, "QIQIAO_DATABASE_URL": database_url, "QIQIAO_VAR_DIR": tmp, "QIQIAO_LOG_LEVEL": "warning",
               "QIQIAO_MAX_BODY_BYTES": str(64 * 1024 * 1024), **(env or {})}
        qiqiao = [sys.executable, "-m", "qiqiao"]
        subprocess.run([*qiqiao, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*qiqiao, "create-admin", "--username", "admin", "--password", ADMIN_PASSWORD],
                       env=env, check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen([*qiqiao, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            server = Server(f"http://127.0.0.1:{port}", proc.pid)
            await server.start()
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


class Server:
    def __init__(self, base: str, pid: int) -> None:
        self.base, self.pid = base, pid
        self.token = ""

    async def start(self) -> None:
        deadline = time.perf_counter() + 30
        async with httpx.AsyncClient(base_url=self.base) as client:
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.perf_counter() > deadline:
                    raise TimeoutError("server did not start")
                await asyncio.sleep(0.05)
            login = await client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
            client.headers["X-CSRF-Token"] = client.cookies["qiqiao_csrf"]
            token = await client.post("/api/auth/tokens", json={"name": "bench", "expires_in_days": 1})
            login.raise_for_status()
            self.token = token.json()["token"]

    def client(self, headers: dict[str, str] | None = None, **kw: Any) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        return httpx.AsyncClient(base_url=self.base, headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
                                 timeout=60, limits=limits, **kw)

    async def token_for(self, username: str, password: str) -> str:
        """Sign in as another user and mint an API token for them."""
        async with httpx.AsyncClient(base_url=self.base) as client:
            (await client.post("/api/auth/login", json={"username": username, "password": password})).raise_for_status()
            client.headers["X-CSRF-Token"] = client.cookies["qiqiao_csrf"]
            token = await client.post("/api/auth/tokens", json={"name": "bench", "expires_in_days": 1})
            token.raise_for_status()
            return token.json()["token"]

    async def user_id(self) -> int:
        """The signed-in administrator's id."""
        async with self.client() as c:
            response = await c.get("/api/auth/me")
            response.raise_for_status()
            return response.json()["id"]

    async def publish(self, app: str, definition: dict) -> None:
        async with self.client() as c:
            (await c.post("/api/apps", json={"key": app, "name": app})).raise_for_status()
            (await c.post(f"/api/apps/{app}/forms", json={"definition": definition})).raise_for_status()
            (await c.post(f"/api/apps/{app}/forms/{definition['key']}/publish", json={})).raise_for_status()


async def load(request, count: int, clients: int, seconds: float) -> tuple[float, list[float]]:
    """Run `request(i)` by `clients` workers until `count` requests or `seconds` pass.
    Returns (requests per second, latencies in ms)."""
    latencies: list[float] = []
    next_index = 0
    start = time.perf_counter()
    stop_at = start + seconds

    async def worker() -> None:
        nonlocal next_index
        while next_index < count and time.perf_counter() < stop_at:
            index = next_index
            next_index += 1
            t0 = time.perf_counter()
            await request(index)
            latencies.append((time.perf_counter() - t0) * 1000)

    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, latencies


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0
