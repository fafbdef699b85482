"""Exporting records to .xlsx and .csv: the list's filter, sort and search, readable fields only,
audited, and inert when opened (no formula, no link, CSV cells quoted with ')."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from runtime.transfer import jobs
from tests.api.transfer_helpers import upload, wait_job
from tests.factories.forms import choices, field, make_form, publish_form

HOSTILE_TEXT = ['=HYPERLINK("http://evil.example/x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1",
                "-2+3", "=WEBSERVICE(\"http://127.0.0.1/\")"]
NOTES = make_form(
    "notes",
    [
        field("title", label='=HYPERLINK("http://evil.example","标题")'),
        field("body", "textarea", label="+cmd|' /C calc'!A0"),
        field("amount", "money", label="@SUM(1)"),
        field("stage", "single_select", label="\t阶段", options=choices("lead", "won")),
        field("signed_on", "date", label="-签约日期"),
    ],
)
URL = "/api/apps/crm/forms/notes/records"


@pytest.fixture
async def app(app):
    yield app
    await jobs.wait_all()


@pytest.fixture
async def notes(client):
    await publish_form(client, "crm", NOTES)
    for index, text in enumerate(HOSTILE_TEXT):
        response = await client.post(URL, json={"title": text, "body": text, "amount": str(index * 10 - 5),
                                                 "stage": "won" if index % 2 else "lead", "signed_on": "2024-05-31"})
        assert response.status_code == 201, response.text
    return client


async def _stored_titles(client, form: str = "notes") -> list[str]:
    items = (await client.get(f"/api/apps/crm/forms/{form}/records", params={"sort": "amount"})).json()["items"]
    return [r["title"] for r in items]


def _workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


async def test_xlsx_export_has_no_formula_and_no_link_in_cells_or_headers(notes):
    response = await notes.get(f"{URL}/export", params={"format": "xlsx", "sort": "amount"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    sheet = _workbook(response.content)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert all(cell.hyperlink is None for cell in cells) and not sheet._hyperlinks
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["ID", *[f["label"]["en"] for f in NOTES["fields"]]]
    stored = await _stored_titles(notes)
    assert any(t.startswith(("\t", "\r")) for t in HOSTILE_TEXT[3:5]) and len(stored) == len(HOSTILE_TEXT)
    assert [r[1] for r in rows[1:]] == stored  # kept as the exact strings
    assert rows[1][3] == -5 and rows[2][3] == 5  # numbers stay numbers


async def test_csv_export_quotes_dangerous_cells_and_headers(notes):
    response = await notes.get(f"{URL}/export", params={"format": "csv", "sort": "amount"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["ID", "'" + NOTES["fields"][0]["label"]["en"], "'" + NOTES["fields"][1]["label"]["en"], "'@SUM(1)",
                       "'\t阶段", "'-签约日期"]
    assert [r[1] for r in rows[1:]] == ["'" + text for text in await _stored_titles(notes)]
    assert [r[3] for r in rows[1:3]] == ["-5.0", "5.0"]  # a number is not text: no quote
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell.lstrip("-").replace(".", "").isdigit()


async def test_export_follows_filter_sort_search_and_fields_and_is_audited(notes):
    body = {"format": "xlsx", "filter": {"field": "stage", "op": "eq", "value": "won"}, "sort": ["-amount"],
            "fields": ["title", "amount"]}
    response = await notes.post(f"{URL}/export", json=body)
    assert response.status_code == 200, response.text
    rows = [[c.value for c in row] for row in _workbook(response.content).iter_rows()]
    assert rows[0] == ["ID", NOTES["fields"][0]["label"]["en"], "@SUM(1)"]
    assert [r[2] for r in rows[1:]] == [45, 25, 5]
    searched = await notes.get(f"{URL}/export", params={"format": "csv", "search": "WEBSERVICE"})
    assert len(list(csv.reader(io.StringIO(searched.content.decode("utf-8-sig"))))) == 2
    audit = (await notes.get("/api/admin/audit", params={"action": "record.export"})).json()["items"]
    assert len(audit) == 2 and audit[-1]["after"]["rows"] == 3 and audit[-1]["target_type"] == "crm.notes"


@pytest.mark.parametrize("params", [
    {"filter": '{"field": "secret", "op": "eq", "value": 1}'},
    {"filter": "not json"},
    {"sort": "body; drop table"},
    {"fields": "nope"},
    {"format": "pdf"},
])
async def test_bad_export_queries_are_422(notes, params):
    response = await notes.get(f"{URL}/export", params=params)
    assert response.status_code == 422, response.text


async def test_export_needs_the_form_and_the_right(notes, make_user, login):
    await make_user("eve")
    eve = await login("eve", "user-Pa55word")
    assert (await eve.get(f"{URL}/export")).status_code == 404
    assert (await notes.get("/api/apps/crm/forms/missing/records/export")).status_code == 404


async def test_exported_csv_imports_back_unchanged(notes):
    exported = await notes.get(f"{URL}/export", params={"format": "csv", "sort": "amount", "fields": "title,body,amount"})
    await publish_form(notes, "crm", {**NOTES, "key": "copy"}, create_app=False)
    uploaded = await upload(notes, "/api/apps/crm/forms/copy/imports", exported.content, "notes.csv")
    assert uploaded.status_code == 201, uploaded.text
    preview = uploaded.json()
    assert [m["field"] for m in preview["suggested_mapping"]] == ["id", "title", "body", "amount"]
    mapping = [m for m in preview["suggested_mapping"] if m["field"] not in (None, "id")]
    started = await notes.post(f"/api/apps/crm/forms/copy/imports/{preview['id']}/run", json={"mapping": mapping})
    job = await wait_job(notes, started.json()["job_id"])
    assert job["result"]["created"] == len(HOSTILE_TEXT), job
    copied = (await notes.get("/api/apps/crm/forms/copy/records", params={"sort": "amount"})).json()["items"]
    stored = await _stored_titles(notes)
    assert [r["title"] for r in copied] == stored and [r["body"] for r in copied] == stored
