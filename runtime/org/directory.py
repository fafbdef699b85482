"""/api/directory: the organisation as member and department pickers see it, for every signed-in
internal user (the admin API under /api/admin stays for administrators). External accounts may not
browse it: who works here is not theirs to list."""

from __future__ import annotations

from fastapi import APIRouter, Query

from core.errors import Forbidden
from runtime.context import Principal
from runtime.identity.deps import Conn, CurrentUser
from runtime.org import repository as repo
from runtime.org.schemas import DirectoryDepartmentList, DirectoryUserList

router = APIRouter(prefix="/api/directory", tags=["directory"])


def _internal(user: Principal) -> None:
    if user.is_external:
        raise Forbidden("External accounts cannot browse the organisation directory.", code="external_user",
                        detail_zh="外部账号不能浏览组织通讯录。")


@router.get("/users", response_model=DirectoryUserList)
async def list_users(conn: Conn, user: CurrentUser, search: str | None = Query(None, max_length=100),
                     limit: int = Query(20, ge=1, le=100),
                     ids: str | None = Query(None, max_length=2000, pattern=r"^\d{1,12}(,\d{1,12}){0,99}$",
                                             description="comma-separated user ids: the names behind stored ids")) -> dict:
    _internal(user)
    wanted = [int(i) for i in ids.split(",")] if ids else None
    rows = await repo.directory_users(conn, (search or "").strip() or None, len(wanted) if wanted else limit, wanted)
    departments = await repo.departments_of(conn, [r["id"] for r in rows])
    return {"items": [{**r, "departments": departments[r["id"]]} for r in rows]}


@router.get("/departments", response_model=DirectoryDepartmentList)
async def list_departments(conn: Conn, user: CurrentUser) -> dict:
    _internal(user)
    return {"items": await repo.directory_departments(conn)}
