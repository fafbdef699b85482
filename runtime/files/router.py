"""/api/files — upload a file, download it again (the uploader or an administrator, for now)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import FileResponse

from runtime.files import service
from runtime.files.schemas import FileOut
from runtime.identity.deps import ClockDep, Conn, CurrentActor, CurrentUser, SettingsDep

router = APIRouter(prefix="/api/files", tags=["files"])

# A served file never runs as a page of this site, even if a browser were to render it.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-cache",
}


@router.post("", response_model=FileOut, status_code=201, form_limits={"max_files": 1, "max_fields": 0})
async def upload_file(
    file: Annotated[UploadFile, File(description="the file; its name is kept for display only")],
    conn: Conn, actor: CurrentActor, settings: SettingsDep, clock: ClockDep,
) -> dict:
    return await service.save_upload(conn, settings, clock, actor, file.file, file.filename, file.content_type)


@router.get("/{key}", response_class=FileResponse)
async def download_file(key: str, conn: Conn, user: CurrentUser, settings: SettingsDep) -> FileResponse:
    row, path = await service.file_for_download(conn, settings, user, key)
    media_type, content_disposition = service.disposition(row)
    return FileResponse(path, media_type=media_type, headers={**DOWNLOAD_HEADERS, "Content-Disposition": content_disposition})
