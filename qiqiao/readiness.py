"""Start-up checks: the schema is migrated, and no administrator can sign in without a password."""

from __future__ import annotations

from sqlalchemy import select, text

from core.db import Database
from core.settings import SettingsError
from runtime.tables import roles, user_roles, users


async def check_ready(db: Database) -> None:
    async with db.transaction(write=False) as conn:
        try:
            await conn.execute(text("SELECT version_num FROM alembic_version"))
        except Exception:
            raise SettingsError(f"The database at {db.engine.url!r} is not migrated: run `qiqiao migrate` first.") from None
    async with db.transaction(write=False) as conn:
        open_admins = (
            await conn.execute(
                select(users.c.username)
                .join(user_roles, user_roles.c.user_id == users.c.id)
                .join(roles, roles.c.id == user_roles.c.role_id)
                .where(roles.c.key == "admin", users.c.is_active.is_(True))
                .where((users.c.password_hash.is_(None)) | (users.c.password_hash == ""))
            )
        ).scalars().all()
    if open_admins:
        raise SettingsError(
            f"Administrator account(s) without a password: {', '.join(open_admins)}. "
            "Set one with `qiqiao create-admin --username NAME --reset`."
        )
