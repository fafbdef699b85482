"""FastAPI dependencies: the request's unit of work, the signed-in principal, CSRF and admin checks.

One connection per request: GET/HEAD run in a read transaction, everything else in a write
transaction that commits after the endpoint returns and before the response is sent.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Annotated, AsyncIterator
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Forbidden, Unauthorized
from core.ratelimit import Buckets
from core.settings import Settings
from runtime.context import Actor, Principal, RequestMeta
from runtime.identity import service
from runtime.identity.secrets import constant_time_equal

SESSION_COOKIE = "qiqiao_session"
CSRF_COOKIE = "qiqiao_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


async def _transaction(request: Request) -> AsyncIterator[AsyncConnection]:
    # A report run or drill is a read sent by POST (its definition is a body): on SQLite it must
    # not hold the one write lock for as long as a big aggregation takes.
    write = request.method not in SAFE_METHODS and not request.url.path.endswith(READ_ONLY_POST)
    async with request.app.state.db.transaction(write=write) as conn:
        yield conn


def request_meta(request: Request) -> RequestMeta:
    return RequestMeta(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None),
    )


# FastAPI runs a plain `def` dependency in a worker thread; these are coroutines so that reading
# app state costs no thread hop on every request.
async def _settings_dep(request: Request) -> Settings:
    return get_settings(request)


async def _clock_dep(request: Request) -> Clock:
    return get_clock(request)


async def _meta_dep(request: Request) -> RequestMeta:
    return request_meta(request)


Conn = Annotated[AsyncConnection, Depends(_transaction, scope="function")]
SettingsDep = Annotated[Settings, Depends(_settings_dep)]
ClockDep = Annotated[Clock, Depends(_clock_dep)]
Meta = Annotated[RequestMeta, Depends(_meta_dep)]


def _in_request_language(request: Request, principal: Principal) -> Principal:
    """The language the client asks for (the pages send their UI language) over the stored one."""
    asked = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    locale = "zh-CN" if asked.startswith("zh") else "en" if asked.startswith("en") else None
    return replace(principal, locale=locale) if locale and locale != principal.locale else principal


async def _principal(request: Request, conn: Conn) -> Principal:
    return _in_request_language(request, await _authenticated(request, conn))


async def _authenticated(request: Request, conn: Conn) -> Principal:
    settings, clock = get_settings(request), get_clock(request)
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <API token>'.")
        principal = await service.authenticate_token(conn, settings, clock, token.strip())
        _check_token_narrowing(request, principal)
        _check_rate(request, principal, settings)
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthorized()
    principal, csrf = await service.authenticate_session(conn, settings, clock, cookie)
    if request.method not in SAFE_METHODS:
        _check_same_origin(request, settings)
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not constant_time_equal(sent, csrf):
            raise AppError("csrf_failed", 403, "The request lacks a valid CSRF token.", title="Forbidden")
    return principal


# The two reads that take their query as a POST body; the permission gate still refuses them
# any action but reading, and any app outside the token's.
READ_ONLY_POST = ("/records/query", "/reports/run", "/drill", "/expr/evaluate")  # reads sent by POST: no write transaction
READ_BY_POST = (*READ_ONLY_POST, "/records/export", "/reports/export")  # what a read-only API token may POST


def _check_rate(request: Request, principal: Principal, settings: Settings) -> None:
    """API tokens are held to their rate (429 with Retry-After beyond it); sessions are not."""
    buckets = getattr(request.app.state, "token_buckets", None)
    if buckets is None:
        buckets = request.app.state.token_buckets = Buckets()
    wait = buckets.take(principal.token_id, principal.rate_per_minute or settings.api_rate_per_minute, time.monotonic())
    if wait is not None:
        raise AppError("rate_limited", 429, f"This API token made too many requests; try again in {wait:g} s.",
                       title="Too many requests", headers={"Retry-After": f"{wait:g}"},
                       detail_zh=f"此 API 令牌请求过于频繁，请 {wait:g} 秒后再试。")


def _check_token_narrowing(request: Request, principal: Principal) -> None:
    """A read-only token sends no writes; a token limited to some apps stays inside them: no
    platform administration, no account or token changes (the gate keeps it to its apps)."""
    path = request.url.path
    if principal.app_keys is not None and (path == "/api/admin" or path.startswith("/api/admin/")):
        raise Forbidden("This API token is limited to some apps; it cannot administer the platform.",
                        code="token_narrowed", detail_zh="此 API 令牌仅限部分应用，不能管理平台。")
    if request.method in SAFE_METHODS:
        return
    if principal.read_only and not request.url.path.endswith(READ_BY_POST):
        raise Forbidden("This API token is read-only.", code="token_read_only", detail_zh="此 API 令牌只读。")
    if principal.app_keys is not None and request.url.path.startswith("/api/auth/"):
        raise Forbidden("This API token is limited to some apps; it cannot change the account or its tokens.",
                        code="token_narrowed", detail_zh="此 API 令牌仅限部分应用，不能修改账户或令牌。")


def _check_same_origin(request: Request, settings: Settings) -> None:
    origin = request.headers.get("origin")
    if not origin:
        return
    if origin in settings.cors_origins:
        return
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise AppError("cross_origin", 403, "Cross-site requests are not allowed.", title="Forbidden")


CurrentUser = Annotated[Principal, Depends(_principal)]


async def _actor(request: Request, user: CurrentUser) -> Actor:
    return Actor(user, request_meta(request))


CurrentActor = Annotated[Actor, Depends(_actor)]


async def _admin(actor: CurrentActor) -> Actor:
    if not actor.principal or not actor.principal.is_admin:
        raise Forbidden("Only platform administrators may do this.")
    return actor


AdminActor = Annotated[Actor, Depends(_admin)]
