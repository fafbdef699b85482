"""Storing uploads and handing them back safely (SECURITY.md item 18).

Bytes go to `<var_dir>/files/<first 2 chars of key>/<key>` under a random key, never under the
user's name; they are written to a temporary file in the same directory tree, counted and hashed
as they stream, and renamed into place only when complete and within the size limit. The type
that decides how a file is served is sniffed from its first bytes: only JPEG, PNG, GIF and WebP
are ever shown inline; everything else (SVG and HTML included) is an `application/octet-stream`
download.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mimetypes
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, BinaryIO, Callable
from urllib.parse import quote

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Invalid, NotFound
from core.settings import Settings
from engines.form.types.files import FILE_KEY, RASTER_TYPES, safe_file_name
from runtime.audit.service import record
from runtime.context import Actor, Principal
from runtime.files import repository as repo

log = structlog.get_logger("qiqiao.files")
OCTET_STREAM = "application/octet-stream"
CHUNK = 1024 * 1024
_MIME = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


class UploadTooLarge(AppError):
    def __init__(self, limit: int) -> None:
        super().__init__("payload_too_large", 413, f"The file exceeds the limit of {limit} bytes.", title="Payload too large")


def upload_limit(settings: Settings) -> int:
    """`QIQIAO_MAX_UPLOAD_BYTES` (20 MiB by default)."""
    return settings.max_upload_bytes


def files_dir(settings: Settings) -> Path:
    return settings.var_dir / "files"


def path_of(settings: Settings, key: str) -> Path:
    return files_dir(settings) / key[:2] / key


def sniff_image(head: bytes) -> str | None:
    """The raster image type the first bytes show, whatever the client claimed."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def stored_content_type(head: bytes, claimed: str | None, name: str) -> str:
    """Sniffed for images; otherwise the claimed or guessed type, kept only as information (it
    lets an attachment field accept `application/pdf`) and never allowed to pose as an image."""
    sniffed = sniff_image(head)
    if sniffed:
        return sniffed
    candidate = (claimed or "").split(";")[0].strip().lower() or (mimetypes.guess_type(name)[0] or "")
    if not _MIME.match(candidate) or candidate in RASTER_TYPES:
        return OCTET_STREAM
    return candidate


@dataclass
class _Written:
    path: Path
    size: int
    sha256: str
    head: bytes


def _write_temporary(source: BinaryIO, directory: Path, limit: int) -> _Written:
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=".upload-")
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(limit)
                digest.update(chunk)
                head += chunk[: max(0, 64 - len(head))]
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return _Written(Path(name), size, digest.hexdigest(), head)


def _move_into_place(temporary: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary, final)  # atomic on one file system: the file is whole or absent
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


async def save_upload(
    conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor,
    source: BinaryIO, filename: str | None, claimed_type: str | None,
) -> dict[str, Any]:
    """Store one uploaded file and return its reference `{key, name, size, content_type}`."""
    limit = upload_limit(settings)
    written = await asyncio.to_thread(_write_temporary, source, files_dir(settings) / "tmp", limit)
    name = safe_file_name(filename or "")
    key = secrets.token_urlsafe(32)
    final = path_of(settings, key)
    reference = {"key": key, "name": name, "size": written.size,
                 "content_type": stored_content_type(written.head, claimed_type, name)}
    try:
        await asyncio.to_thread(_move_into_place, written.path, final)
        file_id = await repo.insert_file(
            conn, **reference, sha256=written.sha256, created_by=actor.id, created_at=clock.now()
        )
    except BaseException:
        _remove(written.path, final)
        raise
    record(conn, actor, "file.upload", target_type="file", target_id=file_id, after={**reference, "sha256": written.sha256})
    return reference


# Asked when neither the uploader nor an administrator wants a file: the records layer registers
# "may this user read a record that names the file (in a field they may read)?" at start-up.
ReaderCheck = Callable[[AsyncConnection, Principal, dict[str, Any]], Awaitable[bool]]
READER_CHECKS: list[ReaderCheck] = []


def register_reader_check(check: ReaderCheck) -> None:
    if check not in READER_CHECKS:
        READER_CHECKS.append(check)


async def can_read(conn: AsyncConnection, principal: Principal, file_row: dict[str, Any]) -> bool:
    """Whether `principal` may download this file: its uploader, platform administrators, and
    whoever may read a record that references it (through the permission gate)."""
    if principal.is_admin or (file_row["created_by"] is not None and file_row["created_by"] == principal.id):
        return True
    for check in READER_CHECKS:
        if await check(conn, principal, file_row):
            return True
    return False


async def file_for_download(
    conn: AsyncConnection, settings: Settings, principal: Principal, key: str
) -> tuple[dict[str, Any], Path]:
    """The file row and its path; 404 alike for a malformed key, someone else's file and a gone one."""
    row = await repo.file_by_key(conn, key) if FILE_KEY.match(key) else None
    if row is None or not await can_read(conn, principal, row):
        raise NotFound("file")
    path = path_of(settings, row["key"])
    if not path.is_file():
        log.error("file missing on disk", key=row["key"], file_id=row["id"])
        raise NotFound("file")
    return row, path


async def resolve_references(conn: AsyncConnection, principal: Principal, items: list[dict[str, Any]], path: str,
                             form_id: int | None = None) -> list[dict[str, Any]]:
    """For the records layer: replace client-sent references by the store's own values, refusing
    keys that do not exist or that this user may not read (the same answer for both). With
    `form_id`, note that this form's records now refer to the files (for later downloads)."""
    rows = await repo.files_by_keys(conn, [item["key"] for item in items])
    resolved = []
    for index, item in enumerate(items):
        row = rows.get(item["key"])
        if row is None or not await can_read(conn, principal, row):
            raise Invalid("A file is not available.", [{"path": f"{path}.{index}.key", "message": "No such file."}])
        resolved.append({k: row[k] for k in ("key", "name", "size", "content_type")})
    if form_id is not None:
        await repo.note_references(conn, [row["id"] for row in rows.values()], form_id)
    return resolved


def disposition(row: dict[str, Any]) -> tuple[str, str]:
    """(media type, Content-Disposition) for serving: inline only for sniffed raster images."""
    inline = row["content_type"] in RASTER_TYPES
    name = row["name"]
    fallback = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\;' else "_" for ch in name)
    header = f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    return (row["content_type"] if inline else OCTET_STREAM), header
