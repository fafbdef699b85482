"""The file store: uploads land under random keys, come back only to who may read them, and are
served so that no upload can run as a page of the site (SECURITY.md items 4 and 18)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runtime.files import service
from runtime.tables.files import files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>fetch('/api/auth/me')</script>"


def stored_files(settings) -> list[Path]:
    root = service.files_dir(settings)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def upload(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return await client.post("/api/files", files={"file": (name, data, content_type)})


async def count_rows(app) -> int:
    async with app.state.db.transaction(write=False) as conn:
        return (await conn.execute(select(func.count()).select_from(files))).scalar_one()


async def test_upload_and_download_round_trip(client, settings, app):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 100
    response = await upload(client, "合同 2024.pdf", data, "application/pdf")
    assert response.status_code == 201, response.text
    ref = response.json()
    assert ref["name"] == "合同 2024.pdf" and ref["size"] == len(data) and ref["content_type"] == "application/pdf"
    assert len(ref["key"]) >= 32 and ref["key"].replace("-", "").replace("_", "").isalnum()

    on_disk = stored_files(settings)
    assert on_disk == [service.path_of(settings, ref["key"])]  # named by key, never by the user's name
    async with app.state.db.transaction(write=False) as conn:
        row = (await conn.execute(select(files).where(files.c.key == ref["key"]))).mappings().one()
    assert row["sha256"] == hashlib.sha256(data).hexdigest()

    download = await client.get(f"/api/files/{ref['key']}")
    assert download.status_code == 200 and download.content == data
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%90%88%E5%90%8C%202024.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_upload_is_audited(client):
    ref = (await upload(client, "a.txt", b"hello")).json()
    entries = (await client.get("/api/admin/audit", params={"action": "file.upload"})).json()["items"]
    assert [e["after"]["key"] for e in entries] == [ref["key"]]


NAMES = {"../../x": "x", "..\\..\\boot.ini": "boot.ini", "/etc/passwd": "passwd", "..": "file",
         "evil\u202egnp.exe": "evilgnp.exe"}


async def test_path_names_are_stripped_and_never_reach_the_disk(client, settings):
    root = service.files_dir(settings).resolve()
    for name, shown in NAMES.items():
        response = await upload(client, name, b"data")
        assert response.status_code == 201, response.text
        ref = response.json()
        assert ref["name"] == shown
        download = await client.get(f"/api/files/{ref['key']}")
        assert download.headers["content-disposition"].startswith("attachment;")
    for path in stored_files(settings):
        assert path.resolve().is_relative_to(root) and service.path_of(settings, path.name) == path
    assert len(stored_files(settings)) == len(NAMES)
    assert not (settings.var_dir.parent / "x").exists()


SCRIPTABLE = [("evil.svg", SVG, "image/svg+xml"), ("evil.html", HTML, "text/html"), ("evil.png", SVG, "image/png"),
              ("evil.jpg", HTML, "image/jpeg")]


async def test_scriptable_uploads_are_served_as_inert_downloads(client):
    for name, data, claimed in SCRIPTABLE:
        ref = (await upload(client, name, data, claimed)).json()
        assert ref["content_type"] not in ("image/png", "image/jpeg"), name  # a claim is not a sniff
        download = await client.get(f"/api/files/{ref['key']}")
        assert download.status_code == 200 and download.content == data
        assert download.headers["content-type"] == "application/octet-stream"
        assert download.headers["content-disposition"].startswith("attachment;")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in download.headers["content-security-policy"]


async def test_sniffed_images_are_shown_inline(client):
    ref = (await upload(client, "photo.bin", PNG, "application/octet-stream")).json()
    assert ref["content_type"] == "image/png"
    download = await client.get(f"/api/files/{ref['key']}")
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("inline;")
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_oversize_upload_is_refused_and_leaves_nothing(client, settings, app, monkeypatch):
    monkeypatch.setattr(service, "upload_limit", lambda _settings: 1000)
    response = await upload(client, "big.bin", b"x" * 1001)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    assert stored_files(settings) == [] and await count_rows(app) == 0
    assert (await upload(client, "ok.bin", b"x" * 1000)).status_code == 201


async def test_body_over_the_request_cap_is_refused_before_storage(client, settings, app):
    response = await upload(client, "huge.bin", b"x" * (settings.body_limit("/api/files") + 1))
    assert response.status_code == 413
    assert stored_files(settings) == [] and await count_rows(app) == 0


async def test_another_users_file_is_not_found(client, make_user, login):
    await make_user("alice", "alice-Pa55word")
    await make_user("bob", "bob-Pa55word")
    alice, bob = await login("alice", "alice-Pa55word"), await login("bob", "bob-Pa55word")
    key = (await upload(alice, "private.txt", b"alice's")).json()["key"]
    assert (await alice.get(f"/api/files/{key}")).status_code == 200
    missing = await bob.get(f"/api/files/{key}")
    unknown = await bob.get("/api/files/" + "A" * 43)
    assert missing.status_code == unknown.status_code == 404
    assert missing.json()["detail"] == unknown.json()["detail"]
    assert (await client.get(f"/api/files/{key}")).status_code == 200  # an administrator


async def test_malformed_keys_are_not_found(client):
    for key in ("..%2F..%2Fsecret_key", "short", "a" * 65, "%00" + "a" * 40, "..%2f" * 10):
        assert (await client.get(f"/api/files/{key}")).status_code == 404, key


async def test_anonymous_users_can_neither_upload_nor_download(client, anon):
    key = (await upload(client, "a.txt", b"x")).json()["key"]
    assert (await upload(anon, "a.txt", b"x")).status_code == 401
    assert (await anon.get(f"/api/files/{key}")).status_code == 401


async def test_upload_without_csrf_token_is_refused(client, settings):
    del client.headers["X-CSRF-Token"]
    assert (await upload(client, "a.txt", b"x")).status_code == 403
    assert stored_files(settings) == []


async def test_one_file_per_upload(client):
    response = await client.post("/api/files", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))])
    assert response.status_code in (400, 422)
    assert (await client.post("/api/files", data={"x": "1"})).status_code in (400, 422)


async def test_records_take_file_metadata_from_the_store_and_refuse_others_files(client, make_user, login):
    from tests.factories.forms import field, make_form, publish_form

    await publish_form(client, "docs", make_form("contracts", [field("title"), field("scan", "attachment")]))
    mine = (await upload(client, "contract.pdf", b"%PDF-1.4 real")).json()
    spoofed = {**mine, "name": "evil.exe", "size": 1, "content_type": "text/html"}
    created = await client.post("/api/apps/docs/forms/contracts/records", json={"title": "A", "scan": [spoofed]})
    assert created.status_code == 201, created.text
    assert created.json()["scan"][0]["name"] == "contract.pdf" and created.json()["scan"][0]["size"] == len(b"%PDF-1.4 real")
    roles = (await client.get("/api/admin/roles")).json()["items"]
    builder = next(r["id"] for r in roles if r["key"] == "builder")
    await make_user("bob", "bob-Pa55word", role_ids=[builder])
    await make_user("eve", "eve-Pa55word")
    bob, eve = await login("bob", "bob-Pa55word"), await login("eve", "eve-Pa55word")
    await publish_form(bob, "bobs", make_form("notes", [field("scan", "attachment")]))
    theirs = (await upload(eve, "x.txt", b"eve")).json()
    refused = await bob.post("/api/apps/bobs/forms/notes/records", json={"scan": [theirs]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "scan.0.key"
    own = (await upload(bob, "y.txt", b"bob")).json()
    assert (await bob.post("/api/apps/bobs/forms/notes/records", json={"scan": [own]})).status_code == 201
    unknown = await client.post("/api/apps/docs/forms/contracts/records",
                                json={"title": "C", "scan": [{**mine, "key": "k" * 40}]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "scan.0.key"
