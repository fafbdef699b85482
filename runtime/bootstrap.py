"""Creating the first administrator (CLI, `make run`, tests) through the normal directory service."""

from __future__ import annotations

from sqlalchemy import update

from core.clock import Clock
from core.db import Database
from runtime.audit import service as audit
from runtime.context import SYSTEM
from runtime.identity import repository as identity_repo
from runtime.identity.secrets import hash_password
from runtime.identity.service import check_password_strength
from runtime.org import repository as org_repo
from runtime.org import service as org
from runtime.tables import users


async def ensure_admin(
    db: Database, clock: Clock, username: str, password: str, display_name: str, *, if_none: bool = False, reset: bool = False
) -> str:
    """Returns "created", "reset" or "exists"."""
    async with db.transaction() as conn:
        if if_none and await org_repo.count_active_admins(conn) > 0:
            return "exists"
        existing = await identity_repo.user_by_username(conn, username)
        if existing is not None and reset:
            check_password_strength(password)
            now = clock.now()
            await conn.execute(
                update(users)
                .where(users.c.id == existing["id"])
                .values(password_hash=hash_password(password), password_changed_at=now, updated_at=now, is_active=True)
            )
            await identity_repo.delete_sessions_of(conn, existing["id"])


            audit.record(conn, SYSTEM, "user.password_reset", target_type="user", target_id=existing["id"])
            return "reset"
        admin_role = await org_repo.admin_role_id(conn)
        await org.create_user(
            conn,
            clock,
            SYSTEM,
            {"username": username, "display_name": display_name, "password": password, "role_ids": [admin_role]},
        )
        return "created"
