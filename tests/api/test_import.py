"""Importing spreadsheets into forms through the API: preview and mapping, skip vs all-or-nothing,
insert/update/upsert, dry runs, job status, error reports, Excel → new form, hostile files."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest

from runtime.transfer import jobs, sheets
from tests.api.transfer_helpers import csv_bytes, upload, wait_job, xlsx_bytes
from tests.factories.forms import choices, field, make_form, publish_form

DEALS = make_form(
    "deals",
    [
        field("title", label="标题", required=True, unique=True),
        field("amount", "money", label="金额"),
        field("stage", "single_select", label="阶段", options=choices("lead", "won", "lost")),
        field("signed_on", "date", label="签约日期"),
    ],
    title_field="title",
)
FORM = "/api/apps/crm/forms/deals"
HEADERS = ["标题", "金额", "阶段", "签约日期"]


@pytest.fixture
async def app(app):
    yield app
    await jobs.wait_all()


@pytest.fixture
async def deals(client):
    await publish_form(client, "crm", DEALS)
    return client


async def _records(client) -> list[dict]:
    response = await client.get(f"{FORM}/records", params={"sort": "title", "limit": 500})
    return response.json()["items"]


async def _import(client, rows, *, name="deals.xlsx", content=None, **run) -> tuple[dict, dict]:
    content = content if content is not None else (csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes(rows))
    uploaded = await upload(client, f"{FORM}/imports", content, name)
    assert uploaded.status_code == 201, uploaded.text
    preview = uploaded.json()
    body = {"mapping": [m for m in preview["suggested_mapping"] if m["field"]], **run}
    started = await client.post(f"{FORM}/imports/{preview['id']}/run", json=body)
    assert started.status_code == 202, started.text
    return preview, await wait_job(client, started.json()["job_id"])


async def test_preview_suggests_the_mapping_by_label_and_key(deals):
    rows = [["标题", "Amount", "stage", "备注"], ["A", 1, "lead", "x"]]
    response = await upload(deals, f"{FORM}/imports", xlsx_bytes(rows))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["file"] == {"format": "xlsx", "encoding": None, "sheet": "数据", "rows": 1}
    assert [m["field"] for m in body["suggested_mapping"]] == ["title", "amount", "stage", None]
    assert body["preview"] == [["A", 1, "lead", "x"]]


async def test_one_bad_row_is_skipped_and_named_in_the_error_report(deals):
    rows = [HEADERS, ["A", "100.50", "lead", "2024-05-31"], ["B", "abc", "won", None], ["C", 3, "nope", "2024-06-01"],
            ["D", 4, "lost", None]]
    preview, job = await _import(deals, rows)
    result = job["result"]
    assert job["status"] == "done" and job["progress"] == job["total"] == 4
    assert (result["outcome"], result["created"], result["refused"]) == ("partial", 2, 2)
    assert {e["path"] for e in result["errors"]} == {"rows.3.amount", "rows.4.stage"}
    assert [r["title"] for r in await _records(deals)] == ["A", "D"]
    report = await deals.get(f"{FORM}/imports/{preview['id']}/errors.xlsx")
    assert report.status_code == 200 and report.headers["x-content-type-options"] == "nosniff"
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["行号", *HEADERS, "错误"]
    assert cells[1][:3] == [3, "B", "abc"] and cells[1][-1].startswith("金额")
    assert cells[2][0] == 4 and "阶段" in cells[2][-1]


async def test_all_or_nothing_leaves_nothing_when_one_row_is_bad(deals):
    rows = [HEADERS, ["A", 1, "lead", None], ["B", "abc", "won", None], ["C", 3, "lost", None]]
    _, job = await _import(deals, rows, on_error="abort")
    assert job["result"]["outcome"] == "rolled_back"
    assert (job["result"]["created"], job["result"]["valid"], job["result"]["refused"]) == (0, 2, 1)
    assert await _records(deals) == []
    rows[2][1] = 2
    _, job = await _import(deals, rows, on_error="abort")
    assert job["result"]["outcome"] == "imported" and job["result"]["created"] == 3
    assert [r["amount"] for r in await _records(deals)] == ["1.00", "2.00", "3.00"]


async def test_upsert_by_key_updates_and_inserts(deals):
    existing = (await deals.post(f"{FORM}/records", json={"title": "A", "amount": "1", "stage": "lead"})).json()
    rows = [["标题", "金额"], ["A", 5], ["B", 7]]
    _, job = await _import(deals, rows, mode="upsert", key_field="title")
    assert (job["result"]["created"], job["result"]["updated"]) == (1, 1)
    records = await _records(deals)
    assert [(r["title"], r["amount"], r["stage"]) for r in records] == [("A", "5.00", "lead"), ("B", "7.00", None)]
    assert records[0]["id"] == existing["id"] and records[0]["version"] == 2


async def test_update_refuses_unknown_keys_and_repeated_keys(deals):
    await deals.post(f"{FORM}/records", json={"title": "A", "amount": "1"})
    rows = [["标题", "金额"], ["A", 2], ["Z", 3], ["A", 4]]
    _, job = await _import(deals, rows, mode="update", key_field="title")
    codes = {e["path"]: e["code"] for e in job["result"]["errors"]}
    assert codes == {"rows.3.title": "key_not_found", "rows.4.title": "key_repeated"}
    assert [(r["title"], r["amount"]) for r in await _records(deals)] == [("A", "2.00")]


async def test_dry_run_reports_and_writes_nothing(deals):
    await deals.post(f"{FORM}/records", json={"title": "A", "amount": "1"})
    rows = [HEADERS, ["A", 9, "won", None], ["B", 2, "lead", None], ["C", "x", "lead", None]]
    preview, job = await _import(deals, rows, mode="upsert", key_field="title", dry_run=True)
    result = job["result"]
    assert (result["outcome"], result["created"], result["updated"], result["refused"]) == ("dry_run", 1, 1, 1)
    assert [(r["title"], r["amount"]) for r in await _records(deals)] == [("A", "1.00")]
    audit = (await deals.get("/api/admin/audit", params={"action": "record."})).json()["items"]
    assert [a["action"] for a in audit] == ["record.create"]
    again = await deals.post(f"{FORM}/imports/{preview['id']}/run",
                             json={"mapping": [m for m in preview["suggested_mapping"] if m["field"]], "mode": "upsert",
                                   "key_field": "title"})
    assert again.status_code == 202, again.text
    job = await wait_job(deals, again.json()["job_id"])
    assert (job["result"]["created"], job["result"]["updated"]) == (1, 1)


async def test_job_progresses_in_batches_to_done_with_counts(deals):
    rows = [["标题", "金额"]] + [[f"T{i:05d}", i] for i in range(2_500)]
    preview, job = await _import(deals, rows, name="many.csv")
    assert preview["file"]["encoding"] == "utf-8"
    assert job["status"] == "done" and job["progress"] == job["total"] == 2_500
    assert job["result"]["created"] == 2_500 and job["finished_at"]
    counted = await deals.get(f"{FORM}/records", params={"count": "true", "limit": 1})
    assert counted.json()["total"] == 2_500
    audit = (await deals.get("/api/admin/audit", params={"action": "record.import"})).json()["items"]
    assert len(audit) == 1 and audit[0]["after"]["created"] == 2_500
    again = await deals.post(f"{FORM}/imports/{preview['id']}/run", json={"mapping": [{"column": 0, "field": "title"}]})
    assert again.status_code == 409


async def test_another_users_job_and_import_are_not_found(deals, make_user, login):
    _, job = await _import(deals, [["标题"], ["A"]])
    await make_user("bob")
    bob = await login("bob", "user-Pa55word")
    assert (await bob.get(f"/api/jobs/{job['id']}")).status_code == 404
    assert (await bob.get("/api/jobs/999999")).status_code == 404
    assert (await bob.get(f"{FORM}/imports/1")).status_code == 404
    assert (await deals.get(f"/api/jobs/{job['id']}")).status_code == 200


async def test_mapping_problems_are_named_before_anything_runs(deals):
    uploaded = (await upload(deals, f"{FORM}/imports", xlsx_bytes([["金额", "x"], [1, 2]]))).json()
    url = f"{FORM}/imports/{uploaded['id']}/run"
    missing = await deals.post(url, json={"mapping": [{"column": 0, "field": "amount"}]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["fields"] == ["title"]
    unknown = await deals.post(url, json={"mapping": [{"column": 1, "field": "nope"}, {"column": 5, "field": "amount"}],
                                          "mode": "update", "key_field": "amount"})
    assert {e["path"] for e in unknown.json()["errors"]} == {"mapping.0.field", "mapping.1.column"}
    no_key = await deals.post(url, json={"mapping": [{"column": 0, "field": "amount"}], "mode": "update"})
    assert no_key.status_code == 422 and no_key.json()["errors"][0]["path"] == "key_field"


async def test_csv_in_gb18030_and_utf8_with_bom(deals):
    rows = [["标题", "阶段"], ["上海地铁", "won"]]
    preview, job = await _import(deals, rows, name="gbk.csv", content=csv_bytes(rows, "gb18030"))
    assert preview["file"]["encoding"] == "gb18030" and job["result"]["created"] == 1
    rows = [["标题", "阶段"], ["北京", "lead"]]
    preview, _ = await _import(deals, rows, name="bom.csv", content=b"\xef\xbb\xbf" + csv_bytes(rows))
    assert preview["file"]["encoding"] == "utf-8-sig"
    assert [r["title"] for r in await _records(deals)] == ["上海地铁", "北京"]


async def test_formulas_are_never_evaluated(deals):
    content = xlsx_bytes([["标题", "阶段"], [None, "lead"], [None, "won"]],
                         formulas={(1, 0): ('=WEBSERVICE("http://127.0.0.1:9/x")', "cached text"), (2, 0): ("=1+1", 2)})
    _, job = await _import(deals, [], content=content)
    assert job["result"]["created"] == 2
    assert sorted(r["title"] for r in await _records(deals)) == ["2", "cached text"]


async def test_excel_becomes_a_new_form_with_inferred_types(client):
    await client.post("/api/apps", json={"key": "sales", "name": "Sales"})
    rows = [["客户名称", "金额", "签约日期", "行业", "手机", "邮箱", "标签"]]
    industries = ["制造", "金融", "教育"]
    for i in range(12):
        rows.append([f"客户{i}", f"¥{1000 + i}.50", f"2024-0{1 + i % 9}-1{i % 10}", industries[i % 3], f"1380013{i:04d}",
                     f"c{i}@example.com", "重点、新客" if i % 2 else "新客"])
    response = await upload(client, "/api/apps/sales/excel-forms/preview", xlsx_bytes(rows), "Customers.xlsx")
    assert response.status_code == 200, response.text
    proposal = response.json()
    types = {f["header"]: (f["key"], f["type"]) for f in proposal["fields"]}
    assert types == {
        "客户名称": ("customer_name", "text"), "金额": ("amount", "money"), "签约日期": ("signed_on", "date"),
        "行业": ("industry", "single_select"), "手机": ("mobile", "phone"), "邮箱": ("email", "email"),
        "标签": ("tags", "multi_select"),
    }
    assert proposal["definition"]["key"] == "customers"
    created = await client.post("/api/apps/sales/excel-forms",
                                json={"upload_id": proposal["upload_id"], "definition": proposal["definition"]})
    assert created.status_code == 201, created.text
    job = await wait_job(client, created.json()["job_id"])
    assert job["result"]["created"] == 12, job
    listed = (await client.get("/api/apps/sales/forms/customers/records", params={"sort": "customer_name"})).json()
    first = listed["items"][0]
    assert (first["customer_name"], first["amount"], first["signed_on"], first["mobile"], first["tags"]) == \
        ("客户0", "1000.50", "2024-01-10", "13800130000", ["新客"])


# -- hostile and broken files ----------------------------------------------------------------------


def _zip(parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORKBOOK_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>',
}
SHEET = '<?xml version="1.0"?>{dtd}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'


def _crafted(rows: str, dtd: str = "", **extra: bytes | str) -> bytes:
    return _zip({**WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": SHEET.format(dtd=dtd, rows=rows), **extra})


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _zip_bomb() -> bytes:
    filler = "<row>" + "<c/>" * 1000 + "</row>"
    return _crafted(_cell("A1", "标题") + filler * 600)


def _encrypted() -> bytes:
    # An encrypted OOXML file is an OLE compound file holding "EncryptionInfo" and "EncryptedPackage" streams.
    return sheets.OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600


HOSTILE = {
    "zip_bomb": (_zip_bomb, "zip_bomb"),
    "entities": (lambda: _crafted(_cell("A1", "&lol9;"), dtd='<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9 '
                                  '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'), "xml_entities"),
    "16k_columns": (lambda: xlsx_bytes([[f"c{i}" for i in range(16_384)]]), "too_many_columns"),
    "sparse_corners": (lambda: _crafted(f'<row r="1">{_cell("A1", "a")}</row><row r="1048576">{_cell("XFD1048576", "b")}</row>'),
                       "too_many_columns"),
    "tall_sparse": (lambda: _crafted(f'<row r="1">{_cell("A1", "a")}{_cell("T1", "b")}</row>'
                                     f'<row r="1048576">{_cell("A1048576", "b")}</row>'), "too_many_rows"),
    "no_refs_wide": (lambda: _crafted("<row>" + "<c/>" * 2_000 + _cell("", "x").replace(' r=""', "") + "</row>"),
                     "too_many_columns"),
    "encrypted": (_encrypted, "encrypted"),
    "not_a_zip": (lambda: b"this is plain text, not a workbook", "not_xlsx"),
    "macros": (lambda: _crafted(_cell("A1", "a"), **{"xl/vbaProject.bin": b"\x00" * 64}), "macros"),
    "word_file": (lambda: _zip({"[Content_Types].xml": WORKBOOK_PARTS["[Content_Types].xml"].replace("spreadsheetml.sheet", "wordprocessingml.document")}),
                  "not_xlsx"),
    "huge_cell": (lambda: _crafted(f'<row r="1">{_cell("A1", "标题")}</row><row r="2">{_cell("A2", "x" * 40_000)}</row>'),
                  "cell_too_long"),
}


async def test_hostile_workbooks_are_refused_and_nothing_is_kept(deals, settings):
    for case, (make, code) in HOSTILE.items():
        response = await upload(deals, f"{FORM}/imports", make(), "evil.xlsx")
        assert response.status_code == 422, (case, response.text)
        problem = response.json()
        assert problem["code"] == code, (case, problem)
        assert problem["errors"][0]["path"].startswith(("file", "rows.")) and problem["errors"][0]["message_zh"]
    folder = settings.var_dir / "imports"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert await _records(deals) == []


async def test_a_huge_cell_names_its_row_and_column(deals):
    content = _crafted(f'<row r="1">{_cell("A1", "标题")}</row><row r="2">{_cell("B2", "x" * 40_000)}</row>')
    response = await upload(deals, f"{FORM}/imports", content)
    assert response.json()["errors"][0]["path"] == "rows.2.B"


BAD_FILES = [
    ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "not_text"),
    ("data.csv", "标题\n上海".encode("utf-16"), "not_text"),
    ("data.csv", b"\xff\xfe\xfa\x80\x81 not text at all \xff", "bad_encoding"),
    ("data.pdf", b"%PDF-1.4", "unsupported_file"),
    ("data.csv", b"", "empty_file"),
    ("data.csv", b"\r\n\r\n", "empty_file"),
    ("data.xls", sheets.OLE_MAGIC + b"\x00" * 600, "legacy_xls"),
    ("data.csv", xlsx_bytes([["a"]]), "not_csv"),
]


async def test_bad_files_get_specific_errors(deals):
    for name, content, code in BAD_FILES:
        response = await upload(deals, f"{FORM}/imports", content, name)
        assert response.status_code == 422, (name, content[:20], response.text)
        assert response.json()["code"] == code, (name, content[:20], response.json())


async def test_files_over_the_size_limit_are_refused(deals, settings, monkeypatch):
    monkeypatch.setattr(settings, "max_import_bytes", 1_000)
    response = await upload(deals, f"{FORM}/imports", csv_bytes([["标题"]] + [["x" * 50]] * 40), "big.csv")
    assert response.status_code == 413 and response.json()["errors"][0]["path"] == "file"


async def test_too_many_rows_are_refused(deals, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    response = await upload(deals, f"{FORM}/imports", csv_bytes([["标题"]] + [["x"]] * 4), "rows.csv")
    assert response.status_code == 422 and response.json()["code"] == "too_many_rows"


async def test_a_job_left_running_by_a_stopped_server_fails_at_start_up(deals, app, settings, clock):
    from runtime.context import SYSTEM
    from runtime.transfer import imports, repository

    preview = (await upload(deals, f"{FORM}/imports", xlsx_bytes([["标题"], ["A"]]))).json()
    async with app.state.db.transaction() as conn:
        job_id = await jobs.create_job(conn, clock, SYSTEM, "import", 1, {})
        await repository.set_upload(conn, preview["id"], status="running", job_id=job_id)
    clock.advance(timedelta(seconds=settings.job_stale_seconds + 1))  # no process has taken it on since
    await imports.on_startup(app.state.db, settings, clock)
    job = (await deals.get(f"/api/jobs/{job_id}")).json()
    assert job["status"] == "failed" and job["error"]["code"] == "interrupted"
    started = await deals.post(f"{FORM}/imports/{preview['id']}/run", json={"mapping": [{"column": 0, "field": "title"}]})
    assert started.status_code == 202
    assert (await wait_job(deals, started.json()["job_id"]))["result"]["created"] == 1


async def _job_states(db, *job_ids: int) -> dict[int, tuple[str, str | None]]:
    from sqlalchemy import select

    from runtime.tables import jobs as jobs_table

    async with db.transaction(write=False) as conn:
        rows = await conn.execute(select(jobs_table.c.id, jobs_table.c.status, jobs_table.c.error)
                                  .where(jobs_table.c.id.in_(job_ids)))
        return {r.id: (r.status, (r.error or {}).get("code")) for r in rows}


async def test_another_process_starting_up_leaves_live_jobs_alone_and_fails_stale_ones(deals, app, settings, clock):
    from sqlalchemy import update

    from qiqiao.app import create_app
    from runtime.context import SYSTEM
    from runtime.tables import jobs as jobs_table
    from runtime.transfer import repository

    db = app.state.db
    preview = (await upload(deals, f"{FORM}/imports", xlsx_bytes([["标题"], ["A"]]))).json()
    async with db.transaction() as conn:
        live, stale, never_started = [await jobs.create_job(conn, clock, SYSTEM, "import", 1, {}) for _ in range(3)]
        await repository.set_upload(conn, preview["id"], status="running", job_id=live)
    clock.advance(timedelta(seconds=settings.job_stale_seconds + 1))
    async with db.transaction() as conn:
        just_queued = await jobs.create_job(conn, clock, SYSTEM, "import", 1, {})
        await conn.execute(update(jobs_table).where(jobs_table.c.id == live)  # another process, beating
                           .values(status="running", locked_by="other-host:7:ab12", heartbeat_at=clock.now()))
        await conn.execute(update(jobs_table).where(jobs_table.c.id == stale)  # a process silent for a minute
                           .values(status="running", locked_by="gone-host:9:cd34",
                                   heartbeat_at=clock.now() - timedelta(seconds=settings.job_stale_seconds + 1)))

    second = create_app(settings, clock=clock)  # a second serving process starts
    async with second.router.lifespan_context(second):
        pass
    assert await _job_states(db, live, stale, never_started, just_queued) == {
        live: ("running", None), stale: ("failed", "interrupted"), never_started: ("failed", "interrupted"),
        just_queued: ("queued", None)}
    async with db.transaction(write=False) as conn:
        assert (await repository.upload(conn, preview["id"]))["status"] == "running"  # its job is alive

    # The live job's process dies too: any worker's sweep fails it and releases the upload.
    from runtime.worker.loop import Worker

    clock.advance(timedelta(seconds=settings.job_stale_seconds + 1))
    await Worker(db, clock, settings).run_once()
    assert (await _job_states(db, live))[live] == ("failed", "interrupted")
    async with db.transaction(write=False) as conn:
        assert (await repository.upload(conn, preview["id"]))["status"] == "ready"


async def test_a_running_job_keeps_its_heartbeat_fresh(deals, app, clock, monkeypatch):
    import asyncio

    from sqlalchemy import select

    from runtime.context import SYSTEM
    from runtime.tables import jobs as jobs_table
    from runtime.worker.context import PROCESS_NAME

    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.01)
    db, release = app.state.db, asyncio.Event()

    async def work() -> dict:
        await release.wait()
        return {"ok": True}

    async with db.transaction() as conn:
        job_id = await jobs.create_job(conn, clock, SYSTEM, "import", 1, {})
    task = jobs.start(db, clock, job_id, work)

    async def beat() -> tuple:
        async with db.transaction(write=False) as conn:
            row = (await conn.execute(select(jobs_table.c.locked_by, jobs_table.c.heartbeat_at)
                                      .where(jobs_table.c.id == job_id))).one()
        return tuple(row)

    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        deadline = asyncio.get_running_loop().time() + 30
        while await beat() != (PROCESS_NAME, clock.now()):
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)
    release.set()
    await task
    assert (await _job_states(db, job_id))[job_id] == ("done", None)
