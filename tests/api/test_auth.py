"""Signing in and out, CSRF, throttling, API tokens and token/session tampering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ADMIN_PASSWORD, make_client, sign_in


async def test_login_sets_httponly_session_and_readable_csrf_cookie(anon):
    response = await anon.post("/api/auth/login", json={"username": "ADMIN", "password": ADMIN_PASSWORD})
    assert response.status_code == 200
    assert response.json()["user"]["is_admin"] is True
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("qiqiao_session="))
    csrf = next(c for c in cookies if c.startswith("qiqiao_csrf="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert "HttpOnly" not in csrf


async def test_wrong_password_and_unknown_user_get_the_same_answer(anon):
    wrong = await anon.post("/api/auth/login", json={"username": "admin", "password": "nope-nope"})
    unknown = await anon.post("/api/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "qiqiao_session" not in wrong.cookies


async def test_me_requires_a_session(anon, client):
    assert (await anon.get("/api/auth/me")).status_code == 401
    me = (await client.get("/api/auth/me")).json()
    assert me["username"] == "admin" and [r["key"] for r in me["roles"]] == ["admin"]


async def test_unsafe_request_without_or_with_wrong_csrf_token_is_refused(client):
    token = client.headers.pop("X-CSRF-Token")
    missing = await client.post("/api/admin/roles", json={"key": "sales", "name": "Sales"})
    wrong = await client.post("/api/admin/roles", json={"key": "sales", "name": "Sales"}, headers={"X-CSRF-Token": "x" * 32})
    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["code"] == "csrf_failed"
    right = await client.post("/api/admin/roles", json={"key": "sales", "name": "Sales"}, headers={"X-CSRF-Token": token})
    assert right.status_code == 201


async def test_cross_origin_write_is_refused_even_with_the_token(client):
    response = await client.post(
        "/api/admin/roles", json={"key": "sales", "name": "Sales"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "cross_origin"
    same = await client.post("/api/admin/roles", json={"key": "sales", "name": "Sales"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 201


async def test_logout_ends_the_session_and_a_replayed_cookie_gets_401(app, client):
    cookie = client.cookies["qiqiao_session"]
    assert (await client.post("/api/auth/logout")).status_code == 204
    async with make_client(app) as replay:
        replay.cookies.set("qiqiao_session", cookie)
        assert (await replay.get("/api/auth/me")).status_code == 401


async def test_tampered_or_expired_session_gets_401(app, client, clock):
    cookie = client.cookies["qiqiao_session"]
    async with make_client(app) as forged:
        forged.cookies.set("qiqiao_session", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert (await forged.get("/api/auth/me")).status_code == 401
    clock.advance(timedelta(days=8))
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, login):
    other = await login("admin", ADMIN_PASSWORD)
    response = await client.post(
        "/api/auth/password", json={"current_password": ADMIN_PASSWORD, "new_password": "brand-new-Pa55"}
    )
    assert response.status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 200
    assert (await other.get("/api/auth/me")).status_code == 401
    bad = await client.post("/api/auth/password", json={"current_password": "wrong", "new_password": "another-Pa55"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "current_password"


async def test_repeated_failures_lock_the_account_and_are_logged(app, anon, client, clock):
    for _ in range(5):
        assert (await anon.post("/api/auth/login", json={"username": "admin", "password": "guess"})).status_code == 401
    locked = await anon.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    audit = (await client.get("/api/admin/audit", params={"action": "auth.locked"})).json()["items"]
    assert len(audit) == 1 and audit[0]["target_id"] == "admin"
    failures = (await client.get("/api/admin/audit", params={"action": "auth.login_failed"})).json()["items"]
    assert len(failures) == 5
    clock.advance(timedelta(minutes=16))
    assert (await anon.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})).status_code == 200


async def test_unknown_usernames_are_throttled_like_real_ones(anon):
    answers = [
        (await anon.post("/api/auth/login", json={"username": "nobody", "password": "guess"})).status_code
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]


async def test_one_address_guessing_many_accounts_is_throttled(app, settings):
    async with make_client(app, ip="10.9.9.9") as attacker:
        codes = [
            (await attacker.post("/api/auth/login", json={"username": f"user{i}", "password": "x"})).status_code
            for i in range(settings.login_max_failures_per_ip + 1)
        ]
    assert codes[-1] == 429 and set(codes[:-1]) == {401}


async def test_disabled_user_cannot_sign_in_and_loses_sessions(client, make_user, login, anon):
    user = await make_user("alice", "alice-Pa55word")
    alice = await login("alice", "alice-Pa55word")
    assert (await client.delete(f"/api/admin/users/{user['id']}")).status_code == 204
    assert (await alice.get("/api/auth/me")).status_code == 401
    assert (await anon.post("/api/auth/login", json={"username": "alice", "password": "alice-Pa55word"})).status_code == 401


async def test_profile_update_cannot_raise_own_rights(make_user, login):
    await make_user("bob", "bob-Pa55word")
    bob = await login("bob", "bob-Pa55word")
    refused = await bob.patch("/api/auth/me", json={"display_name": "Bobby", "role_ids": [1]})
    assert refused.status_code == 403
    assert [e["path"] for e in refused.json()["errors"]] == ["role_ids"]
    me = (await bob.get("/api/auth/me")).json()
    assert me["display_name"] == "Bob" and me["roles"] == []
    ok = await bob.patch("/api/auth/me", json={"display_name": "Bobby", "locale": "en"})
    assert ok.status_code == 200 and ok.json()["locale"] == "en"


async def test_members_cannot_use_admin_routes(make_user, login):
    await make_user("carol", "carol-Pa55word")
    carol = await login("carol", "carol-Pa55word")
    for path in ("/api/admin/users", "/api/admin/departments", "/api/admin/roles", "/api/admin/audit"):
        assert (await carol.get(path)).status_code == 403, path


async def test_api_token_is_shown_once_works_without_csrf_and_can_be_revoked(app, client, clock):
    created = await client.post("/api/auth/tokens", json={"name": "ERP sync", "expires_in_days": 30})
    assert created.status_code == 201
    token = created.json()["token"]
    listed = (await client.get("/api/auth/tokens")).json()["items"]
    assert listed[0]["name"] == "ERP sync" and "token" not in listed[0]
    async with make_client(app) as api:
        api.headers["Authorization"] = f"Bearer {token}"
        assert (await api.get("/api/auth/me")).json()["username"] == "admin"
        role = await api.post("/api/admin/roles", json={"key": "erp", "name": "ERP"})
        assert role.status_code == 201  # bearer tokens need no CSRF token
        assert (await api.post("/api/auth/tokens", json={"name": "more"})).status_code == 403
        assert (await client.delete(f"/api/auth/tokens/{created.json()['id']}")).status_code == 204
        assert (await api.get("/api/auth/me")).status_code == 401


@pytest.mark.parametrize("mangle", ["tamper", "expire", "wrong_scheme", "not_ours"])
async def test_bad_api_tokens_get_401(app, client, clock, mangle):
    token = (await client.post("/api/auth/tokens", json={"name": "t", "expires_in_days": 1})).json()["token"]
    header = {
        "tamper": f"Bearer {token[:-3]}abc",
        "expire": f"Bearer {token}",
        "wrong_scheme": f"Basic {token}",
        "not_ours": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    }[mangle]
    if mangle == "expire":
        clock.advance(timedelta(days=2))
    async with make_client(app) as api:
        assert (await api.get("/api/auth/me", headers={"Authorization": header})).status_code == 401


async def test_revoking_someone_elses_token_is_404(client, make_user, login):
    await make_user("dave", "dave-Pa55word")
    dave = await login("dave", "dave-Pa55word")
    theirs = (await dave.post("/api/auth/tokens", json={"name": "mine"})).json()
    assert (await client.delete(f"/api/auth/tokens/{theirs['id']}")).status_code == 404
