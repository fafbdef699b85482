"""Schemathesis against an app's generated OpenAPI document, over real HTTP: whatever it sends
(valid, invalid, odd), the records API of the app answers without a server error."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.factories.forms import choices, field, make_form

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
FORMS = [
    make_form("accounts", [
        field("name", required=True), field("tier", "single_select", options=choices("A", "B", "C")),
        field("tags", "multi_select", options=choices("hot", "cold")), field("revenue", "money"),
        field("share", "percent"), field("since", "date"), field("last_call", "datetime"), field("active", "checkbox"),
        field("phone", "phone"), field("email", "email"), field("site", "url"), field("notes", "textarea"),
        field("score", "rating"), field("owner", "member"), field("region", "address"),
    ], title_field="name"),
    make_form("contacts", [field("name", required=True), field("account", "link", options={"form": "accounts"}),
                           field("headcount", "number")], title_field="name"),
]


def _admin(server) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, headers={"Origin": server.base_url}, timeout=30)
    signed = client.post("/api/auth/login", json={"username": server.admin_username, "password": server.admin_password})
    assert signed.status_code == 200, signed.text
    client.headers["X-CSRF-Token"] = client.cookies["qiqiao_csrf"]
    return client


def test_schemathesis_finds_no_server_error_in_an_apps_records_api(server, tmp_path):
    admin = _admin(server)
    try:
        assert admin.post("/api/apps", json={"key": "fuzz", "name": "Fuzz"}).status_code == 201
        for form in FORMS:
            assert admin.post("/api/apps/fuzz/forms", json={"definition": form}).status_code == 201
            published = admin.post(f"/api/apps/fuzz/forms/{form['key']}/publish", json={})
            assert published.status_code == 200, published.text
        token = admin.post("/api/auth/tokens", json={"name": "fuzz", "expires_in_days": 1, "apps": ["fuzz"]}).json()["token"]
    finally:
        admin.close()
    st = REPO / ".venv" / "bin" / "st"
    done = subprocess.run(
        [str(st), "run", f"{server.base_url}/api/apps/fuzz/openapi.json", "-H", f"Authorization: Bearer {token}",
         "-c", "not_a_server_error", "-n", "25", "--seed", "20261123", "-w", "1", "--request-timeout", "20",
         "--generation-database", "none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )
    assert "10 selected / 10 total" in done.stdout, done.stdout[-3000:]  # two forms × five operations
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}\n{server.log_tail(60)}"
