"""/api/apps/{app}/roles and /api/apps/{app}/forms/{form}/permissions: app roles, their members,
and each role's permission group on a form. For the app's administrators only."""

from __future__ import annotations

from fastapi import APIRouter, Response

from builder.permissions import service
from builder.permissions.schemas import (
    MembersIn,
    PermissionGroupList,
    PermissionGroupOut,
    RoleCreate,
    RoleList,
    RoleOut,
    RoleUpdate,
)
from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.permissions.model import PermissionGroupIn

router = APIRouter(prefix="/api/apps/{app_key}", tags=["permissions"])


@router.get("/roles", response_model=RoleList)
async def list_roles(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_roles(conn, actor, app_key)}


@router.post("/roles", response_model=RoleOut, status_code=201)
async def create_role(app_key: str, body: RoleCreate, conn: Conn, actor: CurrentActor) -> dict:
    return await service.create_role(conn, actor, app_key, body.model_dump())


@router.patch("/roles/{role_key}", response_model=RoleOut)
async def update_role(app_key: str, role_key: str, body: RoleUpdate, conn: Conn, actor: CurrentActor) -> dict:
    return await service.update_role(conn, actor, app_key, role_key, body.model_dump(exclude_unset=True))


@router.delete("/roles/{role_key}", status_code=204)
async def delete_role(app_key: str, role_key: str, conn: Conn, actor: CurrentActor) -> Response:
    await service.delete_role(conn, actor, app_key, role_key)
    return Response(status_code=204)


@router.put("/roles/{role_key}/members", response_model=RoleOut)
async def replace_members(app_key: str, role_key: str, body: MembersIn, conn: Conn, actor: CurrentActor) -> dict:
    return await service.replace_members(conn, actor, app_key, role_key, body.model_dump())


@router.get("/forms/{form_key}/permissions", response_model=PermissionGroupList)
async def list_permissions(app_key: str, form_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_groups(conn, actor, app_key, form_key)}


@router.put("/forms/{form_key}/permissions/{role_key}", response_model=PermissionGroupOut)
async def put_permissions(
    app_key: str, form_key: str, role_key: str, body: PermissionGroupIn, conn: Conn, actor: CurrentActor, clock: ClockDep
) -> dict:
    return await service.put_group(conn, clock, actor, app_key, form_key, role_key, body)


@router.delete("/forms/{form_key}/permissions/{role_key}", status_code=204)
async def delete_permissions(app_key: str, form_key: str, role_key: str, conn: Conn, actor: CurrentActor) -> Response:
    await service.delete_group(conn, actor, app_key, form_key, role_key)
    return Response(status_code=204)
