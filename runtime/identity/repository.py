"""SQL for users, their roles and departments, sessions, API tokens and login attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, delete, func, insert, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables import api_tokens, departments, login_attempts, roles, sessions, user_departments, user_roles, users


async def user_by_username(conn: AsyncConnection, username: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(users).where(users.c.username == username.lower()))).mappings().first()
    return dict(row) if row else None


async def user_by_id(conn: AsyncConnection, user_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(users).where(users.c.id == user_id))).mappings().first()
    return dict(row) if row else None


async def memberships(conn: AsyncConnection, user_ids: list[int]) -> dict[int, dict[str, list[dict]]]:
    """Roles and departments of each user, in one round trip however many users."""
    result: dict[int, dict[str, list[dict]]] = {uid: {"roles": [], "departments": []} for uid in user_ids}
    if not user_ids:
        return result
    role_rows = (
        select(user_roles.c.user_id, literal("role").label("kind"), roles.c.id, roles.c.key, roles.c.name,
               literal(0).label("rank"))
        .join(roles, roles.c.id == user_roles.c.role_id)
        .where(user_roles.c.user_id.in_(user_ids))
    )
    dept_rows = (
        select(user_departments.c.user_id, literal("dept").label("kind"), departments.c.id,
               literal(None, String).label("key"), departments.c.name,
               case((user_departments.c.is_primary, 0), else_=1).label("rank"))
        .join(departments, departments.c.id == user_departments.c.department_id)
        .where(user_departments.c.user_id.in_(user_ids))
    )
    query = union_all(role_rows, dept_rows).subquery()
    rows = await conn.execute(select(query).order_by(query.c.kind, query.c.rank, query.c.id))
    for row in rows.mappings():
        if row["kind"] == "role":
            result[row["user_id"]]["roles"].append({"id": row["id"], "key": row["key"], "name": row["name"]})
        else:
            result[row["user_id"]]["departments"].append({"id": row["id"], "name": row["name"]})
    return result


async def session_with_user(conn: AsyncConnection, token_hash: str) -> dict[str, Any] | None:
    query = (
        select(
            sessions.c.id.label("session_id"),
            sessions.c.csrf_token,
            sessions.c.expires_at,
            sessions.c.last_seen_at,
            users,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash)
    )
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row else None


async def api_token_with_user(conn: AsyncConnection, token_hash: str) -> dict[str, Any] | None:
    query = (
        select(
            api_tokens.c.id.label("token_id"),
            api_tokens.c.expires_at,
            api_tokens.c.revoked_at,
            api_tokens.c.last_used_at,
            users,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_hash)
    )
    row = (await conn.execute(query)).mappings().first()
    return dict(row) if row else None


async def insert_session(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(sessions).values(**values).returning(sessions.c.id))).scalar_one()


async def touch_session(conn: AsyncConnection, session_id: int, at: datetime) -> None:
    await conn.execute(update(sessions).where(sessions.c.id == session_id).values(last_seen_at=at))


async def delete_session(conn: AsyncConnection, session_id: int) -> None:
    await conn.execute(delete(sessions).where(sessions.c.id == session_id))


async def delete_sessions_of(conn: AsyncConnection, user_id: int, keep_session_id: int | None = None) -> None:
    query = delete(sessions).where(sessions.c.user_id == user_id)
    if keep_session_id is not None:
        query = query.where(sessions.c.id != keep_session_id)
    await conn.execute(query)


async def touch_api_token(conn: AsyncConnection, token_id: int, at: datetime) -> None:
    await conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at))


async def count_failures(conn: AsyncConnection, *, since: datetime, username: str | None = None, ip: str | None = None) -> tuple[int, datetime | None]:
    """How many failed logins since `since` (for a username or an IP), and the oldest of them."""
    cond = [login_attempts.c.success.is_(False), login_attempts.c.at >= since]
    if username is not None:
        cond.append(login_attempts.c.username == username)
    if ip is not None:
        cond.append(login_attempts.c.ip == ip)
    row = (
        await conn.execute(select(func.count(), func.min(login_attempts.c.at)).where(and_(*cond)))
    ).one()
    return int(row[0]), row[1]


async def last_success(conn: AsyncConnection, username: str, since: datetime) -> datetime | None:
    return (
        await conn.execute(
            select(func.max(login_attempts.c.at)).where(
                login_attempts.c.username == username, login_attempts.c.success.is_(True), login_attempts.c.at >= since
            )
        )
    ).scalar()


async def insert_attempt(conn: AsyncConnection, username: str, ip: str | None, success: bool, at: datetime) -> None:
    await conn.execute(insert(login_attempts).values(username=username[:64], ip=ip, success=success, at=at))


async def list_tokens(conn: AsyncConnection, user_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.prefix,
            api_tokens.c.created_at,
            api_tokens.c.expires_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        )
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id.desc())
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def insert_token(conn: AsyncConnection, **values: Any) -> int:
    return (await conn.execute(insert(api_tokens).values(**values).returning(api_tokens.c.id))).scalar_one()


async def revoke_token(conn: AsyncConnection, user_id: int, token_id: int, at: datetime) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(api_tokens.c.id, api_tokens.c.name, api_tokens.c.prefix)
        )
    ).mappings().first()
    return dict(row) if row else None
