"""One error shape everywhere, health and version, security headers, start-up refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from core.settings import Settings, SettingsError
from qiqiao.app import create_app
from runtime.tables import roles, user_roles, users


async def test_health_and_version(anon):
    assert (await anon.get("/healthz")).json() == {"status": "ok", "database": "ok"}
    assert (await anon.get("/api/version")).json()["version"]


async def test_malformed_json_is_400_problem(client):
    response = await client.post(
        "/api/admin/roles", content=b'{"key": "x", ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "malformed_json"


async def test_wrong_type_and_unknown_field_are_named(client):
    wrong = await client.post("/api/admin/departments", json={"name": "X", "sort": "first"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["path"] == "sort"
    unknown = await client.post("/api/admin/departments", json={"name": "X", "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"path": "colour", "message": "Unknown field.", "type": "extra_forbidden"}]
    problem = unknown.json()
    assert {"type", "title", "status", "detail"} <= problem.keys() and problem["status"] == 422


async def test_oversized_body_is_413_and_nothing_is_written(client, settings):
    huge = "x" * (settings.max_body_bytes + 10)
    response = await client.post("/api/admin/roles", json={"key": "big", "name": huge})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "big" not in [r["key"] for r in (await client.get("/api/admin/roles")).json()["items"]]


async def test_unknown_route_and_method_are_problems(client):
    missing = await client.get("/api/nowhere")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    wrong_method = await client.put("/api/auth/me", json={})
    assert wrong_method.status_code == 405 and wrong_method.json()["status"] == 405


async def test_every_response_carries_security_headers(anon):
    response = await anon.get("/api/version")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-request-id"]


async def test_frontend_missing_gives_a_clear_page(anon):
    response = await anon.get("/admin/users")
    assert response.status_code == 503 and "make run" in response.text


async def test_spa_fallback_serves_index_for_client_routes(app, tmp_path, settings, clock):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>qiqiao-app</html>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("do not serve")
    spa = create_app(settings.model_copy(update={"frontend_dist": dist}), clock=clock)
    import httpx

    async with spa.router.lifespan_context(spa):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=spa), base_url="http://t") as c:
            assert "qiqiao-app" in (await c.get("/admin/users")).text
            assert (await c.get("/assets/app.js")).text == "console.log(1)"
            assert "do not serve" not in (await c.get("/../secret.txt")).text
            assert (await c.get("/api/unknown")).status_code == 404


@pytest.mark.parametrize("secret", ["changeme", "short-key"])
def test_weak_configured_secret_is_refused(tmp_path, secret):
    with pytest.raises(SettingsError):
        create_app(Settings(var_dir=tmp_path, secret_key=secret))


def test_generated_secret_is_persisted_private(tmp_path):
    first = Settings(var_dir=tmp_path).secret
    assert Settings(var_dir=tmp_path).secret == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


async def test_start_up_refuses_an_admin_without_password(settings, clock, app):
    async with app.state.db.transaction() as conn:
        now = clock.now()
        uid = (
            await conn.execute(
                insert(users)
                .values(username="root2", display_name="R", password_hash=None, is_active=True,
                        is_external=False, locale="en", created_at=now, updated_at=now)
                .returning(users.c.id)
            )
        ).scalar_one()
        from sqlalchemy import select

        admin_role = (await conn.execute(select(roles.c.id).where(roles.c.key == "admin"))).scalar_one()
        await conn.execute(insert(user_roles).values(user_id=uid, role_id=admin_role))
    second = create_app(settings, clock=clock)
    with pytest.raises(SettingsError, match="root2"):
        async with second.router.lifespan_context(second):
            pass


async def test_start_up_refuses_an_unmigrated_database(empty_db_url, tmp_path):
    unmigrated = create_app(Settings(database_url=empty_db_url, var_dir=tmp_path, secret_key="k" * 40))
    with pytest.raises(SettingsError, match="qiqiao migrate"):
        async with unmigrated.router.lifespan_context(unmigrated):
            pass
