"""/api/admin: users, departments and roles (platform administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from runtime.identity.deps import AdminActor, ClockDep, Conn
from runtime.org import repository as repo
from runtime.org import service
from runtime.org.schemas import (
    DepartmentCreate,
    DepartmentList,
    DepartmentOut,
    DepartmentUpdate,
    RoleCreate,
    RoleList,
    RoleOut,
    RoleUpdate,
    UserCreate,
    UserList,
    UserOut,
    UserUpdate,
)

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/users", response_model=UserList)
async def list_users(
    conn: Conn,
    _: AdminActor,
    q: str | None = Query(None, max_length=100),
    department_id: int | None = None,
    role_id: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict:
    rows, total = await repo.list_users(
        conn, q=q, department_id=department_id, role_id=role_id, limit=limit, offset=offset
    )
    return {"items": await service.users_out(conn, rows), "total": total}


@router.post("/users", response_model=UserOut, status_code=201)
async def create_user(body: UserCreate, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    return await service.create_user(conn, clock, actor, body.model_dump())


@router.get("/users/{user_id}", response_model=UserOut)
async def get_user(user_id: int, conn: Conn, _: AdminActor) -> dict:
    return await service.get_user(conn, user_id)


@router.patch("/users/{user_id}", response_model=UserOut)
async def update_user(user_id: int, body: UserUpdate, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    return await service.update_user(conn, clock, actor, user_id, body.model_dump(exclude_unset=True))


@router.delete("/users/{user_id}", status_code=204)
async def disable_user(user_id: int, conn: Conn, actor: AdminActor, clock: ClockDep) -> Response:
    await service.disable_user(conn, clock, actor, user_id)
    return Response(status_code=204)


@router.get("/departments", response_model=DepartmentList)
async def list_departments(conn: Conn, _: AdminActor) -> dict:
    return {"items": await service.list_departments(conn)}


@router.post("/departments", response_model=DepartmentOut, status_code=201)
async def create_department(body: DepartmentCreate, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    return await service.create_department(conn, clock, actor, body.model_dump())


@router.patch("/departments/{department_id}", response_model=DepartmentOut)
async def update_department(
    department_id: int, body: DepartmentUpdate, conn: Conn, actor: AdminActor, clock: ClockDep
) -> dict:
    return await service.update_department(conn, clock, actor, department_id, body.model_dump(exclude_unset=True))


@router.delete("/departments/{department_id}", status_code=204)
async def delete_department(department_id: int, conn: Conn, actor: AdminActor) -> Response:
    await service.delete_department(conn, actor, department_id)
    return Response(status_code=204)


@router.get("/roles", response_model=RoleList)
async def list_roles(conn: Conn, _: AdminActor) -> dict:
    return {"items": await repo.list_roles(conn)}


@router.post("/roles", response_model=RoleOut, status_code=201)
async def create_role(body: RoleCreate, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    return await service.create_role(conn, clock, actor, body.model_dump())


@router.patch("/roles/{role_id}", response_model=RoleOut)
async def update_role(role_id: int, body: RoleUpdate, conn: Conn, actor: AdminActor) -> dict:
    return await service.update_role(conn, actor, role_id, body.model_dump(exclude_unset=True))


@router.delete("/roles/{role_id}", status_code=204)
async def delete_role(role_id: int, conn: Conn, actor: AdminActor) -> Response:
    await service.delete_role(conn, actor, role_id)
    return Response(status_code=204)
