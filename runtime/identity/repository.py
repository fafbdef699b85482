"""SQL for users, their roles and departments, sessions, API tokens and login attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Select,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from runtime.tables import (
    api_tokens,
    apps,
    departments,
    login_attempts,
    roles,
    sessions,
    user_departments,
    user_roles,
    users,
)


async def user_by_username(conn: AsyncConnection, username: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(users).where(users.c.username == username.lower()))).mappings().first()
    return dict(row) if row else None


async def user_by_id(conn: AsyncConnection, user_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(users).where(users.c.id == user_id))).mappings().first()
    return dict(row) if row else None


def _memberships_query():
    role_rows = (
        select(user_roles.c.user_id, literal("role").label("kind"), roles.c.id, roles.c.key, roles.c.name,
               literal(0).label("rank"))
        .join(roles, roles.c.id == user_roles.c.role_id)
        .where(user_roles.c.user_id.in_(bindparam("user_ids", expanding=True)))
    )
    dept_rows = (
        select(user_departments.c.user_id, literal("dept").label("kind"), departments.c.id,
               literal(None, String).label("key"), departments.c.name,
               case((user_departments.c.is_primary, 0), else_=1).label("rank"))
        .join(departments, departments.c.id == user_departments.c.department_id)
        .where(user_departments.c.user_id.in_(bindparam("user_ids", expanding=True)))
    )
    query = union_all(role_rows, dept_rows).subquery()
    return select(query).order_by(query.c.kind, query.c.rank, query.c.id)


# Built once: every request authenticates, and a statement built per call pays SQLAlchemy's
# construction and cache-key cost again each time.
_MEMBERSHIPS = _memberships_query()


async def memberships(conn: AsyncConnection, user_ids: list[int]) -> dict[int, dict[str, list[dict]]]:
    """Roles and departments of each user, in one round trip however many users."""
    result: dict[int, dict[str, list[dict]]] = {uid: {"roles": [], "departments": []} for uid in user_ids}
    if not user_ids:
        return result
    rows = await conn.execute(_MEMBERSHIPS, {"user_ids": list(user_ids)})
    for row in rows.mappings():
        if row["kind"] == "role":
            result[row["user_id"]]["roles"].append({"id": row["id"], "key": row["key"], "name": row["name"]})
        else:
            result[row["user_id"]]["departments"].append({"id": row["id"], "name": row["name"]})
    return result


# The user's role keys and [department id, is primary] pairs as two JSON arrays, read with the
# session or token itself so that authenticating a request is one query, not two.
_AGGREGATES = {"postgresql": (func.json_agg, func.json_build_array), "sqlite": (func.json_group_array, func.json_array)}


def _with_memberships(query: Select) -> dict[str, Select]:
    """`query` (over `users`) plus the two arrays, one statement per dialect."""
    return {dialect: _add_memberships(query, dialect) for dialect in _AGGREGATES}


def _add_memberships(query: Select, dialect: str) -> Select:
    aggregate, pair = _AGGREGATES[dialect]
    role_keys = (
        select(aggregate(roles.c.key))
        .select_from(user_roles.join(roles, roles.c.id == user_roles.c.role_id))
        .where(user_roles.c.user_id == users.c.id)
        .scalar_subquery()
    )
    department_pairs = (
        select(aggregate(pair(user_departments.c.department_id, user_departments.c.is_primary)))
        .select_from(user_departments.join(departments, departments.c.id == user_departments.c.department_id))
        .where(user_departments.c.user_id == users.c.id)
        .scalar_subquery()
    )
    return query.add_columns(
        type_coerce(role_keys, JSON).label("member_role_keys"),
        type_coerce(department_pairs, JSON).label("member_departments"),
    )


def member_roles_and_departments(row: dict[str, Any]) -> tuple[frozenset[str], tuple[int, ...]] | None:
    """The memberships `session_with_user` / `api_token_with_user` read, departments ordered as
    `memberships()` orders them (the primary one first, then by id); None for any other row."""
    if "member_role_keys" not in row:
        return None
    pairs = sorted(row["member_departments"] or [], key=lambda p: (not p[1], p[0]))
    return frozenset(row["member_role_keys"] or []), tuple(p[0] for p in pairs)


_SESSION_WITH_USER = _with_memberships(
    select(
        sessions.c.id.label("session_id"),
        sessions.c.csrf_token,
        sessions.c.expires_at,
        sessions.c.last_seen_at,
        users,
    )
    .join(users, users.c.id == sessions.c.user_id)
    .where(sessions.c.token_hash == bindparam("token_hash"))
)


async def _by_token_hash(conn: AsyncConnection, statements: dict[str, Any], token_hash: str) -> dict[str, Any] | None:
    row = (await conn.execute(statements[conn.dialect.name], {"token_hash": token_hash})).mappings().first()
    return dict(row) if row else None


async def session_with_user(conn: AsyncConnection, token_hash: str) -> dict[str, Any] | None:
    return await _by_token_hash(conn, _SESSION_WITH_USER, token_hash)


_TOKEN_WITH_USER = _with_memberships(
    select(
        api_tokens.c.id.label("token_id"),
        api_tokens.c.expires_at,
        api_tokens.c.revoked_at,
        api_tokens.c.last_used_at,
        api_tokens.c.read_only,
        api_tokens.c.app_keys,
        api_tokens.c.rate_per_minute,
        users,
    )
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(api_tokens.c.token_hash == bindparam("token_hash"))
)


async def api_token_with_user(conn: AsyncConnection, token_hash: str) -> dict[str, Any] | None:
    return await _by_token_hash(conn, _TOKEN_WITH_USER, token_hash)


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
            api_tokens.c.read_only,
            api_tokens.c.app_keys.label("apps"),
            api_tokens.c.rate_per_minute,
        )
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id.desc())
    )
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def live_app_keys(conn: AsyncConnection, keys: list[str]) -> set[str]:
    """Which of these app keys name an app that exists and is not deleted."""
    query = select(apps.c.key).where(apps.c.key.in_(keys), apps.c.deleted_at.is_(None))
    return set((await conn.execute(query)).scalars())


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
