"""App packages: export an app as one .zip, preview and install one as a new app; and the template
gallery, whose templates are packages kept as folders in the catalogue."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from builder.packages import catalogue, format, service
from runtime.identity.deps import ClockDep, Conn, CurrentActor, SettingsDep

router = APIRouter(tags=["packages"])


@router.get("/api/apps/{app_key}/package")
async def export_package(app_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    package = await service.export_app(conn, clock, actor, app_key)
    name = f"{app_key}.qiqiao.zip"
    return Response(format.write_zip(package), media_type="application/zip",
                    headers={"content-disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})


async def _read(file: UploadFile) -> format.Package:
    return format.read_zip(await file.read())


@router.post("/api/app-packages/preview")
async def preview_package(file: Annotated[UploadFile, File(description="an app package (.zip)")], conn: Conn,
                          actor: CurrentActor, key: Annotated[str | None, Form(pattern=r"^[a-z][a-z0-9_]{0,19}$")] = None) -> dict:
    return await service.preview(conn, actor, await _read(file), key)


@router.post("/api/app-packages/install", status_code=201)
async def install_package(file: Annotated[UploadFile, File(description="an app package (.zip)")], conn: Conn,
                          actor: CurrentActor, clock: ClockDep, settings: SettingsDep,
                          key: Annotated[str | None, Form(pattern=r"^[a-z][a-z0-9_]{0,19}$")] = None,
                          name: Annotated[str | None, Form(min_length=1, max_length=128)] = None) -> dict:
    return await service.install(conn, clock, settings, actor, await _read(file), key, name)


class TemplateInstall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,19}$")
    name: str | None = Field(None, min_length=1, max_length=128)
    demo: bool = Field(False, description="also fill the app with the template's demo data")


@router.get("/api/templates")
async def list_templates(actor: CurrentActor, settings: SettingsDep) -> dict:
    return {"items": catalogue.listed(settings)}


@router.post("/api/templates/{name}/preview")
async def preview_template(name: str, conn: Conn, actor: CurrentActor, settings: SettingsDep,
                           body: TemplateInstall | None = None) -> dict:
    return await service.preview(conn, actor, catalogue.package(settings, name), body.key if body else None)


@router.post("/api/templates/{name}/install", status_code=201)
async def install_template(name: str, body: TemplateInstall, conn: Conn, actor: CurrentActor, clock: ClockDep,
                           settings: SettingsDep) -> dict:
    return await catalogue.install(conn, clock, settings, actor, name, body.key, body.name, body.demo)
