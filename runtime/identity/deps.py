"""FastAPI dependencies: the request's unit of work, the signed-in principal, CSRF and admin checks.

One connection per request: GET/HEAD run in a read transaction, everything else in a write
transaction that commits after the endpoint returns and before the response is sent.
"""

from __future__ import annotations

from typing import Annotated, AsyncIterator
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Forbidden, Unauthorized
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
    async with request.app.state.db.transaction(write=request.method not in SAFE_METHODS) as conn:
        yield conn


def request_meta(request: Request) -> RequestMeta:
    return RequestMeta(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None),
    )


Conn = Annotated[AsyncConnection, Depends(_transaction, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
Meta = Annotated[RequestMeta, Depends(request_meta)]


async def _principal(request: Request, conn: Conn) -> Principal:
    settings, clock = get_settings(request), get_clock(request)
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <API token>'.")
        return await service.authenticate_token(conn, settings, clock, token.strip())
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
