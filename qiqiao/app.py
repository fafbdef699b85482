"""The application factory: settings, database, routers, error rendering and the frontend."""

from __future__ import annotations

import asyncio
import importlib
import re
from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.routing import Match, get_route_path

from core.clock import Clock, SystemClock
from core.db import Database, register_sqlite_hook
from engines.expr.sql.sqlite_functions import install as install_sqlite_functions
from core.errors import AppError
from core.settings import Settings
from qiqiao import __version__
from qiqiao.logging import configure_logging
from qiqiao.middleware import PlatformMiddleware
from qiqiao.readiness import check_ready
from runtime import problems
from builder.apps.router import router as apps_router
from builder.excel_form import router as excel_form_router
from builder.flows.router import calendars_router, router as flows_router
from builder.packages.router import router as packages_router
from builder.forms.router import router as forms_router
from builder.permissions.router import router as permissions_router
from builder.reports.router import router as report_design_router
from runtime.audit.router import router as audit_router
from runtime.comments.router import router as comments_router
from runtime.expr.router import router as expr_router
from runtime.files.router import router as files_router
from runtime.files.service import register_reader_check
from runtime.flows.catalogue import router as flow_node_types_router
from runtime.forms.router import router as field_types_router
from runtime.identity.router import router as auth_router
from runtime.org.directory import router as directory_router
from runtime.org.router import router as org_router
from runtime.public.router import router as public_router
from runtime.permissions.router import router as my_permissions_router
from runtime.records.ownership import router as ownership_router
from runtime.records.file_access import reader_of_record
from runtime.records.related import router as related_router
from runtime.records.openapi import router as app_openapi_router
from runtime.records.router import router as records_router
from runtime.transfer import imports as transfer_imports
from runtime.reports.router import router as reports_router
from runtime.transfer.router import router as transfer_router
from runtime.views.router import router as views_router
from runtime.flows.router import router as flow_work_router
from runtime.flows import work as flow_work  # noqa: F401  (registers the flow timer handlers)
from runtime.flows.starting import records_written
from runtime.records.service import on_written
from runtime.flows.events import on_flow_event
from runtime.webhooks import delivery as webhook_delivery  # noqa: F401  (registers the "webhook" delivery kind)
from runtime.webhooks import service as webhooks
from runtime.webhooks.router import router as webhooks_router
from runtime.channels import mail as channel_mail  # noqa: F401  (registers the "email" delivery kind)
from runtime.channels import service as channels
from runtime.channels.router import router as channels_router
from runtime.notify.router import router as notifications_router
from runtime.worker.loop import Worker

# The transfer, comments and related-list routers precede the records router: `…/records/export`
# must not match `/{record_id}`, nor `…/records/{id}/…` any route of it.
API_ROUTERS = (
    auth_router, org_router, directory_router, audit_router, apps_router, forms_router, excel_form_router,
    transfer_router, comments_router, related_router, ownership_router, my_permissions_router, flow_work_router,
    records_router, packages_router, webhooks_router, app_openapi_router, channels_router,
    field_types_router, files_router, public_router, expr_router, permissions_router, notifications_router,
    flows_router, calendars_router, flow_node_types_router, reports_router, report_design_router, views_router,
)
WORKER_STOP_SECONDS = 10.0


def configure(settings: Settings) -> None:
    """What every process of the platform does first, serving or working: SQL functions for
    SQLite, logging, and the plugin modules that register handlers (`QIQIAO_PLUGINS`)."""
    register_sqlite_hook(install_sqlite_functions)  # RE2 regexp and friends the expression compiler emits
    register_reader_check(reader_of_record)  # readers of a record may download the files it names
    on_written(records_written)  # record triggers of flows
    on_written(webhooks.records_written)  # outbound webhooks of record events
    on_flow_event(webhooks.flow_event)  # … and of flow events
    channels.configure(settings)  # links in e-mails and robot messages
    configure_logging(settings.log_level)
    for module in settings.plugins:
        importlib.import_module(module)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    _ = settings.secret  # refuse a weak configured secret before anything starts
    configure(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url, settings.db_pool_size)
        try:
            await check_ready(db)
        except BaseException:
            await db.dispose()
            raise
        app.state.db = db
        await transfer_imports.on_startup(db, settings, app.state.clock)
        stop = asyncio.Event()
        worker = None
        if settings.run_worker:
            worker = asyncio.create_task(Worker(db, app.state.clock, settings).run_forever(stop), name="qiqiao-worker")
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                await _stop_worker(worker)
            await transfer_imports.on_shutdown()
            await db.dispose()

    app = FastAPI(
        title="Qiqiao",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    problems.install(app)
    _include_router(app, _system_router())
    for router in API_ROUTERS:
        _include_router(app, router)
    _mount_frontend(app, settings)
    app.add_middleware(PlatformMiddleware, body_limit=settings.body_limit)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    return app


async def _stop_worker(task: asyncio.Task) -> None:
    """The worker finishes its pass (a delivery under way is not cut off), within reason."""
    done, _ = await asyncio.wait({task}, timeout=WORKER_STOP_SECONDS)
    if not done:
        task.cancel()
        await asyncio.wait({task})


def _include_router(app: FastAPI, router: APIRouter) -> None:
    """`include_router`, with one regular expression for all of the router's paths in front of
    FastAPI's matching, which otherwise walks every route of every router on every request (a third
    of a millisecond before a records route is reached). A route matches, fully or on the path only
    (405), only when its path pattern does; so the answer, and the order of routers, are unchanged."""
    app.include_router(router)
    patterns = [getattr(route, "path_regex", None) for route in router.routes]
    if not patterns or any(not isinstance(route, APIRoute) or p is None for route, p in zip(router.routes, patterns)):
        return  # mounts or nested routers: let FastAPI decide
    # One alternation of the routes' own patterns; their named groups would clash, and are unused here.
    any_path = re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[^>]+>', '(?:', p.pattern)})" for p in patterns)).match
    included = app.router.routes[-1]
    match_routes = included.matches

    def matches(scope: dict) -> tuple[Match, dict]:
        if not any_path(get_route_path(scope)):
            return Match.NONE, {}
        return match_routes(scope)

    included.matches = matches


def _system_router() -> APIRouter:
    router = APIRouter(tags=["system"])

    @router.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        try:
            async with request.app.state.db.transaction(write=False) as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            error = AppError("unavailable", 503, "The database is not reachable.", title="Unavailable")
            return problems.problem_response(error)
        return JSONResponse({"status": "ok", "database": "ok"})

    @router.get("/api/version")
    async def api_version() -> dict:
        return {"version": __version__}

    return router


def _mount_frontend(app: FastAPI, settings: Settings) -> None:
    dist = settings.frontend_dist
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def spa(path: str):
        if path.startswith("api/") or path == "api":
            raise AppError("not_found", 404, "There is no such API endpoint.", title="Not found")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"cache-control": "no-cache"})
        return HTMLResponse(NOT_BUILT, status_code=503)


NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Qiqiao</title>
<h1>七巧 Qiqiao</h1><p>The web pages have not been built yet: run <code>make run</code>.</p>
<p>前端尚未构建：请运行 <code>make run</code>。</p>"""
