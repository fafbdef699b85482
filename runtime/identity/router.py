"""/api/auth: sign in and out, the signed-in user's profile, password and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from runtime.identity import repository as repo
from runtime.identity import service
from runtime.identity.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    ClockDep,
    Conn,
    CurrentActor,
    CurrentUser,
    Meta,
    SettingsDep,
)
from runtime.identity.schemas import (
    LoginIn,
    LoginOut,
    Me,
    PasswordIn,
    ProfileIn,
    TokenCreated,
    TokenIn,
    TokenList,
)
from runtime.problems import problem_response

router = APIRouter(prefix="/api/auth", tags=["auth"])


async def me_of(conn, user_id: int) -> Me:
    user = await repo.user_by_id(conn, user_id)
    member = (await repo.memberships(conn, [user_id]))[user_id]
    return Me(
        id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        email=user["email"],
        locale=user["locale"],
        is_admin=any(r["key"] == "admin" for r in member["roles"]),
        is_external=user["is_external"],
        roles=member["roles"],
        departments=member["departments"],
    )


@router.post("/login", response_model=LoginOut)
async def login(body: LoginIn, conn: Conn, settings: SettingsDep, clock: ClockDep, meta: Meta) -> Response:
    result = await service.login(conn, settings, clock, meta, body.username, body.password)
    if result.error is not None:
        # Returned, not raised: the failed attempt and its audit row must commit.
        return problem_response(result.error)
    me = await me_of(conn, result.principal.id)
    response = JSONResponse(LoginOut(user=me).model_dump(mode="json"))
    max_age = settings.session_ttl_hours * 3600
    response.set_cookie(
        SESSION_COOKIE, result.session_token, max_age=max_age, httponly=True, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )
    response.set_cookie(
        CSRF_COOKIE, result.csrf_token, max_age=max_age, httponly=False, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )
    return response


@router.post("/logout", status_code=204)
async def logout(conn: Conn, actor: CurrentActor, settings: SettingsDep) -> Response:
    await service.logout(conn, actor)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=settings.cookie_secure, samesite="lax")
    return response


@router.get("/me", response_model=Me)
async def me(conn: Conn, user: CurrentUser) -> Me:
    return await me_of(conn, user.id)


@router.patch("/me", response_model=Me)
async def update_me(body: ProfileIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Me:
    await service.update_profile(conn, clock, actor, body.model_dump(exclude_unset=True))
    return await me_of(conn, actor.principal.id)


@router.post("/password", status_code=204)
async def change_password(body: PasswordIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.change_password(conn, clock, actor, body.current_password, body.new_password)
    return Response(status_code=204)


@router.get("/tokens", response_model=TokenList)
async def list_tokens(conn: Conn, user: CurrentUser) -> TokenList:
    return TokenList(items=await repo.list_tokens(conn, user.id))


@router.post("/tokens", response_model=TokenCreated, status_code=201)
async def create_token(body: TokenIn, conn: Conn, actor: CurrentActor, settings: SettingsDep, clock: ClockDep) -> dict:
    return await service.create_api_token(conn, settings, clock, actor, body.name, body.expires_in_days,
                                          read_only=body.read_only, apps=body.apps,
                                          rate_per_minute=body.rate_per_minute)


@router.delete("/tokens/{token_id}", status_code=204)
async def revoke_token(token_id: int, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    await service.revoke_api_token(conn, clock, actor, token_id)
    return Response(status_code=204)


