"""Logging in and out, authenticating requests, passwords and personal API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import (
    AppError,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
    field_error,
)
from core.settings import Settings
from runtime.audit import service as audit
from runtime.context import Actor, Principal, RequestMeta
from runtime.identity import repository as repo
from runtime.identity import secrets as sec
from runtime.tables import users

SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
BAD_CREDENTIALS = "The username or password is incorrect."
MIN_PASSWORD = 8
MAX_PASSWORD = 128


@dataclass(frozen=True)
class LoginResult:
    principal: Principal | None
    session_token: str | None = None
    csrf_token: str | None = None
    error: AppError | None = None


def check_password_strength(password: str, path: str = "password") -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(
            "The password does not meet the policy.",
            [field_error(path, f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.")],
        )


async def principal_of(conn: AsyncConnection, user: dict[str, Any], **auth: Any) -> Principal:
    read_along = repo.member_roles_and_departments(user)  # a session or token row brings them
    if read_along is not None:
        role_keys, department_ids = read_along
    else:
        member = (await repo.memberships(conn, [user["id"]]))[user["id"]]
        role_keys = frozenset(r["key"] for r in member["roles"])
        department_ids = tuple(d["id"] for d in member["departments"])
    return Principal(
        id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        locale=user["locale"],
        roles=role_keys,
        department_ids=department_ids,
        is_external=user["is_external"],
        **auth,
    )


async def login(
    conn: AsyncConnection, settings: Settings, clock: Clock, meta: RequestMeta, username: str, password: str
) -> LoginResult:
    """Never raises for bad credentials: the failed attempt must be committed, then reported."""
    now = clock.now()
    name = username.strip().lower()[:64]
    window_start = now - timedelta(seconds=settings.login_window_seconds)
    # Failures before the last success do not count against the account.
    since_success = await repo.last_success(conn, name, window_start)
    failures, oldest = await repo.count_failures(conn, since=since_success or window_start, username=name)
    ip_failures, ip_oldest = (0, None)
    if meta.ip:
        ip_failures, ip_oldest = await repo.count_failures(conn, since=window_start, ip=meta.ip)
    if failures >= settings.login_max_failures or ip_failures >= settings.login_max_failures_per_ip:
        first = oldest if failures >= settings.login_max_failures else ip_oldest
        retry_after = max(1, int(((first or now) + timedelta(seconds=settings.login_window_seconds) - now).total_seconds()))
        sec.burn_password_check(password)
        audit.record(conn, Actor(None, meta), "auth.locked", target_type="user", target_id=name, actor_name=name)
        return LoginResult(
            None,
            error=AppError(
                "too_many_attempts",
                429,
                "Too many failed sign-in attempts. Try again later.",
                title="Too many attempts",
                headers={"Retry-After": str(retry_after)},
            ),
        )

    user = await repo.user_by_username(conn, name)
    ok = sec.verify_password(password, user["password_hash"] if user else None)
    if not (ok and user and user["is_active"]):
        await repo.insert_attempt(conn, name, meta.ip, False, now)
        audit.record(conn, Actor(None, meta), "auth.login_failed", target_type="user", target_id=name, actor_name=name)
        return LoginResult(None, error=Unauthorized(BAD_CREDENTIALS))

    await repo.insert_attempt(conn, name, meta.ip, True, now)
    token, csrf = sec.new_token(), sec.new_token(24)
    session_id = await repo.insert_session(
        conn,
        token_hash=sec.token_digest(settings.secret, token),
        csrf_token=csrf,
        user_id=user["id"],
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_ttl_hours),
        last_seen_at=now,
        ip=meta.ip,
        user_agent=(meta.user_agent or "")[:256] or None,
    )
    principal = await principal_of(conn, user, auth="session", session_id=session_id)
    audit.record(conn, Actor(principal, meta), "auth.login", target_type="user", target_id=user["id"])
    return LoginResult(principal, token, csrf)


async def logout(conn: AsyncConnection, actor: Actor) -> None:
    principal = actor.principal
    if principal and principal.session_id is not None:
        await repo.delete_session(conn, principal.session_id)
        audit.record(conn, actor, "auth.logout", target_type="user", target_id=principal.id)


async def authenticate_session(
    conn: AsyncConnection, settings: Settings, clock: Clock, token: str
) -> tuple[Principal, str]:
    """The principal of a session cookie and the session's CSRF token; 401 if not valid."""
    row = await repo.session_with_user(conn, sec.token_digest(settings.secret, token))
    now = clock.now()
    if row is None or row["expires_at"] <= now or not row["is_active"]:
        raise Unauthorized("Your session has ended. Please sign in again.")
    if now - row["last_seen_at"] > SESSION_TOUCH_INTERVAL:
        await repo.touch_session(conn, row["session_id"], now)
    principal = await principal_of(conn, row, auth="session", session_id=row["session_id"])
    return principal, row["csrf_token"]


async def authenticate_token(conn: AsyncConnection, settings: Settings, clock: Clock, token: str) -> Principal:
    if not token.startswith(sec.API_TOKEN_PREFIX):
        raise Unauthorized("The API token is not valid.")
    row = await repo.api_token_with_user(conn, sec.token_digest(settings.secret, token))
    now = clock.now()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now or not row["is_active"]:
        raise Unauthorized("The API token is not valid, expired or revoked.")
    if row["last_used_at"] is None or now - row["last_used_at"] > SESSION_TOUCH_INTERVAL:
        await repo.touch_api_token(conn, row["token_id"], now)
    app_keys = frozenset(row["app_keys"]) if row["app_keys"] is not None else None
    return await principal_of(conn, row, auth="token", token_id=row["token_id"], read_only=bool(row["read_only"]),
                              app_keys=app_keys, rate_per_minute=row["rate_per_minute"])


async def change_password(conn: AsyncConnection, clock: Clock, actor: Actor, current: str, new: str) -> None:
    principal = _require(actor)
    user = await repo.user_by_id(conn, principal.id)
    if user is None:
        raise NotFound("user")
    if not sec.verify_password(current, user["password_hash"]):
        raise Invalid("The current password is incorrect.", [field_error("current_password", "Incorrect password.")])
    check_password_strength(new, "new_password")
    if current == new:
        raise Invalid("Choose a password different from the current one.", [field_error("new_password", "Unchanged.")])
    now = clock.now()
    await conn.execute(
        update(users).where(users.c.id == principal.id).values(
            password_hash=sec.hash_password(new), password_changed_at=now, updated_at=now
        )
    )
    await repo.delete_sessions_of(conn, principal.id, keep_session_id=principal.session_id)
    audit.record(conn, actor, "auth.password_change", target_type="user", target_id=principal.id)


PRIVILEGED_PROFILE_KEYS = ("role_ids", "roles", "department_ids", "departments", "is_active", "is_external", "username")


async def update_profile(conn: AsyncConnection, clock: Clock, actor: Actor, changes: dict[str, Any]) -> None:
    principal = _require(actor)
    refused = [k for k in PRIVILEGED_PROFILE_KEYS if changes.get(k) is not None]
    if refused:
        raise Forbidden(
            "Your own roles, departments and account status are changed by an administrator.",
            [field_error(k, "Not editable in your profile.") for k in refused],
        )
    values = {k: v for k, v in changes.items() if k in ("display_name", "email", "locale") and v is not None}
    if not values:
        return
    before = await repo.user_by_id(conn, principal.id)
    await conn.execute(update(users).where(users.c.id == principal.id).values(**values, updated_at=clock.now()))
    audit.record(
        conn,
        actor,
        "user.profile_update",
        target_type="user",
        target_id=principal.id,
        before={k: before[k] for k in values} if before else None,
        after=values,
    )


async def create_api_token(
    conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor, name: str, expires_in_days: int,
    read_only: bool = False, apps: list[str] | None = None, rate_per_minute: int | None = None,
) -> dict[str, Any]:
    """A new token acting as the signed-in user, optionally narrowed to reading and/or to some apps."""
    principal = _require(actor)
    if principal.auth == "token":
        raise Forbidden("An API token cannot create further tokens; sign in to create one.")
    if apps is not None:
        live = await repo.live_app_keys(conn, sorted(set(apps)))
        missing = [field_error(f"apps.{i}", f"There is no app '{key}'.", message_zh=f"应用“{key}”不存在。")
                   for i, key in enumerate(apps) if key not in live]
        if missing:
            raise Invalid("The token names apps that do not exist.", missing, detail_zh="令牌指定的应用不存在。")
        apps = list(dict.fromkeys(apps))
    token, prefix = sec.new_api_token()
    now = clock.now()
    values = {
        "user_id": principal.id,
        "name": name,
        "prefix": prefix,
        "token_hash": sec.token_digest(settings.secret, token),
        "created_at": now,
        "expires_at": now + timedelta(days=expires_in_days),
        "read_only": read_only,
        "app_keys": apps,
        "rate_per_minute": rate_per_minute,
    }
    token_id = await repo.insert_token(conn, **values)
    audit.record(conn, actor, "token.create", target_type="api_token", target_id=token_id,
                 after={"name": name, "prefix": prefix, "read_only": read_only, "apps": apps})
    return {"id": token_id, "name": name, "prefix": prefix, "created_at": now, "expires_at": values["expires_at"],
            "read_only": read_only, "apps": apps, "rate_per_minute": rate_per_minute, "token": token}


async def revoke_api_token(conn: AsyncConnection, clock: Clock, actor: Actor, token_id: int) -> None:
    principal = _require(actor)
    revoked = await repo.revoke_token(conn, principal.id, token_id, clock.now())
    if revoked is None:
        raise NotFound("API token")
    audit.record(conn, actor, "token.revoke", target_type="api_token", target_id=token_id, before=revoked)


def _require(actor: Actor) -> Principal:
    if actor.principal is None:
        raise Unauthorized()
    return actor.principal


