"""The `qiqiao` command: serve, worker, migrate, create-admin, install-template, version."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys

from qiqiao import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qiqiao", description="Qiqiao (七巧) no-code platform")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    commands.add_parser("worker", help="run only the background worker: timers, outbox deliveries, sweeps")
    commands.add_parser("migrate", help="bring the platform's tables up to date")

    admin = commands.add_parser("create-admin", help="create a platform administrator (or reset one's password)")
    admin.add_argument("--username", default=None)
    admin.add_argument("--password", default=None, help="omit to be asked (or see --generate-password)")
    admin.add_argument("--display-name", default=None)
    admin.add_argument("--generate-password", action="store_true", help="generate a strong password and print it")
    admin.add_argument("--if-none", action="store_true", help="do nothing when an active administrator exists")
    admin.add_argument("--reset", action="store_true", help="set a new password for an existing user")

    template = commands.add_parser("install-template", help="install an app from the template catalogue")
    template.add_argument("name", help="a folder of the catalogue, e.g. crm")
    template.add_argument("--demo", action="store_true", help="also fill it with the template's demo data")
    template.add_argument("--key", default=None, help="the new app's key (default: the template's, or the next free one)")
    template.add_argument("--as", dest="username", default=None, help="install as this user (default: the first administrator)")
    template.add_argument("--if-absent", action="store_true", help="do nothing when the app's key is taken already")

    commands.add_parser("version", help="print the version")

    args = parser.parse_args(argv)
    if args.command == "version":
        print(__version__)
        return 0
    from core.settings import Settings, SettingsError

    try:
        settings = Settings()
        _ = settings.secret
        if args.command == "migrate":
            from core.migrate import upgrade

            upgrade(settings.database_url)
            print(f"Database is up to date ({_safe_url(settings.database_url)}).")
            return 0
        if args.command == "create-admin":
            return asyncio.run(_create_admin(settings, args))
        if args.command == "install-template":
            return asyncio.run(_install_template(settings, args))
        if args.command == "worker":
            return asyncio.run(_run_worker(settings))
        if args.command == "serve":
            import uvicorn

            uvicorn.run(
                "qiqiao.app:create_app",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                log_level=settings.log_level,
                proxy_headers=False,
            )
            return 0
    except SettingsError as exc:
        print(f"qiqiao: {exc}", file=sys.stderr)
        return 2
    return 1


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def _run_worker(settings) -> int:
    """The worker loop alone, until SIGTERM or SIGINT; the pass under way is finished first."""
    import signal

    from core.clock import SystemClock
    from core.db import Database
    from qiqiao.app import configure
    from qiqiao.readiness import check_ready
    from runtime.worker.loop import Worker

    configure(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    db = Database(settings.database_url, settings.db_pool_size)
    try:
        await check_ready(db)
        await Worker(db, SystemClock(), settings).run_forever(stop)
    finally:
        await db.dispose()
    return 0


async def _install_template(settings, args) -> int:
    from sqlalchemy import select

    from builder.packages import catalogue
    from core.clock import SystemClock
    from core.db import Database
    from core.errors import AppError
    from runtime.context import Actor, RequestMeta
    from runtime.identity import repository as identity_repo
    from runtime.identity.service import principal_of
    from runtime.tables import apps, roles, user_roles, users

    db = Database(settings.database_url)
    try:
        async with db.transaction() as conn:
            if args.username:
                user = (await conn.execute(select(users).where(users.c.username == args.username))).mappings().first()
            else:
                user = (await conn.execute(
                    select(users).join(user_roles, user_roles.c.user_id == users.c.id).join(roles, roles.c.id == user_roles.c.role_id)
                    .where(roles.c.key == "admin", users.c.is_active.is_(True)).order_by(users.c.id).limit(1))).mappings().first()
            if user is None:
                print("qiqiao: no such user (create an administrator first: qiqiao create-admin)", file=sys.stderr)
                return 2
            wanted = args.key or catalogue.package(settings, args.name).manifest.app.key
            if args.if_absent and (await conn.execute(select(apps.c.id).where(apps.c.key == wanted))).first():
                print(f"The app '{wanted}' exists already; nothing changed.")
                return 0
            user = await identity_repo.user_by_id(conn, user["id"])
            actor = Actor(await principal_of(conn, user, auth="system"), RequestMeta(user_agent="qiqiao-cli"))
            result = await catalogue.install(conn, SystemClock(), settings, actor, args.name, args.key, None, args.demo)
    except AppError as exc:
        details = "; ".join(f"{e['path']}: {e['message']}" for e in exc.errors[:20])
        print(f"qiqiao: {exc.detail} {details}".strip(), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(f"Installed the template '{args.name}' as the app '{result['app']['key']}'"
          f"{' with demo data' if args.demo else ''}.")
    return 0


async def _create_admin(settings, args) -> int:
    from core.clock import SystemClock
    from core.db import Database
    from core.errors import AppError
    from runtime.bootstrap import ensure_admin

    password = args.password
    if args.generate_password:
        password = secrets.token_urlsafe(12)
    db = Database(settings.database_url)
    try:
        username = args.username or (None if not sys.stdin.isatty() else input("Username [admin]: ").strip() or "admin")
        username = username or "admin"
        if password is None:
            if not sys.stdin.isatty():
                print("qiqiao: give --password or --generate-password when not running interactively", file=sys.stderr)
                return 2
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Repeat password: "):
                print("qiqiao: the passwords differ", file=sys.stderr)
                return 2
        outcome = await ensure_admin(
            db, SystemClock(), username, password, args.display_name or username, if_none=args.if_none, reset=args.reset
        )
    except AppError as exc:
        details = "; ".join(f"{e['path']}: {e['message']}" for e in exc.errors)
        print(f"qiqiao: {exc.detail} {details}".strip(), file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    if outcome == "exists":
        print("An administrator exists already; nothing changed.")
    elif outcome == "reset":
        print(f"Password of '{username}' reset.")
    else:
        print(f"Administrator '{username}' created.")
    if args.generate_password and outcome != "exists":
        print(f"Sign in as '{username}' with password: {password}")
        _remember_password(settings, username, password)
    return 0


def _remember_password(settings, username: str, password: str) -> None:
    """Keep the generated first password for the newcomer, readable by this OS user only."""
    import os

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "initial-admin.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"username: {username}\npassword: {password}\n")
