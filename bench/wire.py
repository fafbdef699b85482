"""A bare HTTP/1.1 client for load runs: keep-alive connections over asyncio streams, one request
at a time per connection, the whole response read before the connection is reused.

httpx costs about a millisecond of CPU per request, on the same two cores as the server under
test; this one costs a few tens of microseconds, so a figure measures the server, not the client.
It speaks only what the benchmarks need (Content-Length or chunked bodies, no redirects, no TLS).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit


# uvicorn drops a keep-alive connection after 5 idle seconds; reuse only ones idle for less.
IDLE_SECONDS = 2.0


class WireResponse:
    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


class WireClient:
    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        fixed = {"host": f"{self.host}:{self.port}", **{k.lower(): v for k, v in (headers or {}).items()}}
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._all: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> "WireClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for writer in self._all:
            writer.close()
        self._idle.clear()
        self._all.clear()

    async def get(self, path: str, params: dict[str, Any] | None = None) -> WireResponse:
        return await self.request("GET", path + ("?" + urlencode(params) if params else ""))

    async def post(self, path: str, json_body: Any = None) -> WireResponse:
        return await self.request("POST", path, json.dumps(json_body).encode())

    async def request(self, method: str, target: str, body: bytes | None = None) -> WireResponse:
        reader = writer = None
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < IDLE_SECONDS:
                break
            self._close(writer)  # the server may be closing it already: never reuse a stale one
            reader = writer = None
        if writer is None or reader is None:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self._all.append(writer)
        head = f"{method} {target} HTTP/1.1\r\n{self._fixed}"
        if body is not None:
            head += f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
        writer.write(head.encode("latin-1") + b"\r\n" + (body or b""))
        response = await _read_response(reader)
        if response.headers.get("connection", "").lower() == "close":
            self._close(writer)
        else:
            self._idle.append((reader, writer, time.monotonic()))
        return response

    def _close(self, writer: asyncio.StreamWriter) -> None:
        writer.close()
        self._all.remove(writer)


async def _read_response(reader: asyncio.StreamReader) -> WireResponse:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        content = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunks.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        content = b"".join(c[:-2] for c in chunks)
    else:
        content = b""
    return WireResponse(status, headers, content)
