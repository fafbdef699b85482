"""The contract every registered field type keeps, checked over the whole registry.

Each type has a sample value below (a new type without one fails `test_every_type_has_a_sample`)
and a filter case for each of its operators. The sample must parse, serialise, survive the API
and spreadsheets (CSV text and a real .xlsx file), compile its filters on both dialects with
bound parameters only, and — on real SQLite and PostgreSQL — be stored in the table that
`compile_form` plans and found again by every filter.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import Any

import jsonschema
import openpyxl
import pytest
import xlsxwriter
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from engines.form.compiled import CompileContext, CompiledForm, compile_form
from engines.form.definition import FormDef
from engines.form.operators import FilterTarget
from engines.form.types import FIELD_TYPES, FieldSpec, StorageKind

K1, K2 = "a" * 40, "B_-9" * 10
CHOICES = {"choices": [{"value": "hot", "label": {"zh-CN": "热", "en": "Hot"}}, {"value": "cold"}]}
TREE = {"tree": [
    {"value": "east", "label": {"zh-CN": "华东", "en": "East"}, "children": [
        {"value": "sh", "label": {"zh-CN": "上海"}}, {"value": "hz", "label": {"zh-CN": "杭州"}}]},
    {"value": "north", "children": [{"value": "bj"}]},
]}
GROUPS = {"text", "number", "time", "choice", "contact", "place", "file", "people", "relation", "computed",
          "action", "layout", "system"}


@dataclass
class Sample:
    value: Any  # what a client sends
    options: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, tuple[Any, str]] = field(default_factory=dict)  # op → (operand, rows found: "A", "B", "AB", "")
    cell: str = "lossless"  # from_cell(to_cell(v)) == v; "fixpoint": the cell text comes back the same;
    # "export_only": written to spreadsheets but imported another way (subform rows come on their own sheet)
    children: list[dict[str, Any]] | None = None


def _fragments(contains: str, starts: str, ends: str) -> dict[str, tuple[Any, str]]:
    return {"contains": (contains, "A"), "not_contains": (contains, "B"), "starts_with": (starts, "A"), "ends_with": (ends, "A")}


SAMPLES: dict[str, Sample] = {
    "text": Sample("Hello 100% world_", filters=_fragments("0% w", "Hello", "_")),
    "textarea": Sample("Line one\nLine two", filters=_fragments("one\nLine", "Line", "two")),
    "rich_text": Sample('<p>Fish &amp; chips <b>daily</b></p><script>x()</script>', cell="fixpoint",
                        filters={"contains": ("Fish & chips", "A"), "not_contains": ("& chips", "B")}),
    "number": Sample("1,234.5", {"precision": 2}),
    "money": Sample("¥99.90"),
    "percent": Sample("12.5%"),
    "rating": Sample(4, {"max": 5}),
    "date": Sample("2024-05-31"),
    "datetime": Sample("2024-05-31T09:30:00+08:00"),
    "time": Sample("09:30"),
    "checkbox": Sample(True),
    "single_select": Sample("Hot", CHOICES),
    "multi_select": Sample(["hot", "cold"], CHOICES),
    "cascader": Sample("华东/上海", TREE),
    "phone": Sample("+86 138-1234-5678", filters=_fragments("1234 5", "138", "678")),
    "email": Sample("Alice.W@Example.COM", filters=_fragments("@example", "alice", ".com")),
    "url": Sample("example.com/a?q=1", filters=_fragments("example", "https://", "q=1")),
    "id_card": Sample("11010519491231002x", filters={"starts_with": ("110105", "A"), "ends_with": ("002x", "A")}),
    "address": Sample({"province": "广东省", "city": "深圳市", "district": "南山区", "detail": "科技园 1 号"},
                      filters={"within": ("440300", "A")}),
    "location": Sample({"lat": 31.2304, "lng": 121.4737, "label": "人民广场"}),
    "image": Sample([{"key": K1, "name": "a.png", "size": 10, "content_type": "image/png"}], cell="fixpoint"),
    "attachment": Sample([{"key": K1, "name": "a.pdf", "size": 10, "content_type": "application/pdf"}, K2],
                         {"accept": [".pdf", "image/*"]}, cell="fixpoint"),
    "signature": Sample([{"key": K2, "name": "sig.png", "size": 2048, "content_type": "image/png"}], cell="fixpoint"),
    "member": Sample(7),
    "members": Sample([7, 8]),
    "department": Sample(3),
    "departments": Sample("3, 4"),
    "link": Sample(5, {"form": "other"}),
    "links": Sample([5, 6], {"form": "other"}),
    "subform": Sample([{"qty": 2}], children=[{"key": "qty", "type": "number", "label": {"en": "Qty"}}], cell="export_only"),
    "related_list": Sample(None, {"form": "other", "match_field": "customer", "columns": ["name"],
                                  "filter": [{"field": "name", "op": "contains", "value": "a"}]}),
    "created_by": Sample(7),
    "updated_by": Sample(7),
    "created_at": Sample("2024-05-31T09:30:00+08:00", filters={
        "lt": (None, "B"), "lte": (None, "AB"), "empty": (None, ""), "not_empty": (None, "AB")}),
    "updated_at": Sample("2024-05-31T09:30:00+08:00", filters={
        "lt": (None, "B"), "lte": (None, "AB"), "empty": (None, ""), "not_empty": (None, "AB")}),
    "formula": Sample("3", {"expression": "1 + 2"}),
    "lookup": Sample("Acme Ltd", {"link": "f_link", "field": "name"}, filters=_fragments("me L", "Acme", "Ltd")),
    "rollup": Sample("2", {"source": "f_subform", "field": "qty", "function": "sum"}),
    "autonumber": Sample("HT-2024-0001", {"pattern": "HT-{YYYY}-{0000}"}, filters=_fragments("2024", "HT-", "0001")),
    "section": Sample(None, {"collapsible": True}),
    "tab": Sample(None),
    "description": Sample(None, {"content": {"en": "<p>Read <b>this</b><img src=x onerror=alert(1)></p>"}}),
    "button": Sample(None, {"action": "open_url", "url_template": "https://example.com/s?q={f_text}&id={id}"}),
}


# Gaps in field types owned elsewhere, reported to their owner. Each entry must still fail: a
# fixed gap fails the run until its line here is removed.
_NONE_RAISES = "parse(None) raises instead of returning None (parse_text/parse_decimal refuse None)"
KNOWN_GAPS: dict[tuple[str, str], str] = {
}


def known_gap(request: pytest.FixtureRequest, where: str, type_key: str) -> None:
    reason = KNOWN_GAPS.get((where, type_key))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def field_key(type_key: str) -> str:
    return f"f_{type_key}"


def _definition() -> dict[str, Any]:
    fields = []
    for type_key, sample in SAMPLES.items():
        definition: dict[str, Any] = {"key": field_key(type_key), "type": type_key, "label": {"en": type_key}, "options": sample.options}
        if sample.children is not None:
            definition["fields"] = sample.children
        fields.append(definition)
    return {"key": "things", "label": {"en": "Things", "zh-CN": "东西"}, "fields": fields}


OTHER = {"key": "other", "label": {"en": "Other"}, "fields": [
    {"key": "name", "type": "text", "label": {"en": "Name"}},
    {"key": "customer", "type": "link", "label": {"en": "Customer"}, "options": {"form": "things"}},
]}


@lru_cache(maxsize=1)
def _compiled() -> CompiledForm:
    things = _definition()
    context = CompileContext("demo", {"things": FormDef.model_validate(things), "other": FormDef.model_validate(OTHER)})
    return compile_form("demo", things, context)


@pytest.fixture
def form() -> CompiledForm:
    return _compiled()


def spec_of(form: CompiledForm, type_key: str) -> FieldSpec:
    return form.specs[field_key(type_key)]


def stored(form: CompiledForm, type_key: str) -> Any:
    spec = spec_of(form, type_key)
    return spec.type.parse(spec, SAMPLES[type_key].value)


ALL = pytest.mark.parametrize("type_key", FIELD_TYPES.keys())


def test_every_type_has_a_sample():
    assert sorted(set(FIELD_TYPES.keys()) - set(SAMPLES)) == [], "add a Sample for each new field type"
    assert sorted(set(SAMPLES) - set(FIELD_TYPES.keys())) == []


@ALL
def test_type_describes_itself_in_both_languages(type_key):
    field_type = FIELD_TYPES.get(type_key)
    entry = field_type.catalogue_entry()
    for text in (entry["label"], entry["description"]):
        assert set(text) == {"zh-CN", "en"} and all(v.strip() for v in text.values())
    assert entry["group"] in GROUPS
    jsonschema.Draft202012Validator.check_schema(entry["settings_schema"])
    assert field_type.Options.model_config.get("extra") == "forbid"
    with pytest.raises(ValidationError):
        field_type.parse_options({**SAMPLES[type_key].options, "no_such_option": 1})


@ALL
def test_sample_parses_serialises_and_survives_the_api(form, type_key, request):
    known_gap(request, "api", type_key)
    spec = spec_of(form, type_key)
    value = stored(form, type_key)
    assert (value is None) == (spec.storage is StorageKind.NONE)
    wire = json.loads(json.dumps(spec.type.serialize(spec, value)))
    assert spec.type.parse(spec, wire) == value
    schema = spec.type.input_schema(spec)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(wire, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert spec.type.parse(spec, None) is None
    assert spec.type.expr_type(spec) is not None


def _assert_cell_round_trip(spec: FieldSpec, value: Any, cell: Any, read: Any, mode: str) -> None:
    if mode == "export_only":
        return
    back = spec.type.from_cell(spec, read)
    if mode == "lossless":
        assert back == value
    else:
        assert spec.type.to_cell(spec, back) == cell


@ALL
def test_sample_round_trips_through_cells_and_csv(form, type_key, request):
    known_gap(request, "cells", type_key)
    spec, sample = spec_of(form, type_key), SAMPLES[type_key]
    value = stored(form, type_key)
    cell = spec.type.to_cell(spec, value)
    assert cell is None or isinstance(cell, (str, int, float, bool, date, datetime))
    if spec.storage is StorageKind.NONE:
        assert cell is None
        return
    _assert_cell_round_trip(spec, value, cell, cell, sample.cell)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    text = next(csv.reader(io.StringIO(buffer.getvalue())))[0]
    _assert_cell_round_trip(spec, value, cell if isinstance(cell, str) else text, text, sample.cell)
    assert spec.type.from_cell(spec, "") is None and spec.type.from_cell(spec, None) is None


def test_samples_round_trip_through_an_xlsx_file(form, tmp_path):
    path = tmp_path / "export.xlsx"
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    sheet, when = workbook.add_worksheet(), workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    keys = [k for k in SAMPLES if spec_of(form, k).storage is not StorageKind.NONE]
    cells = {k: spec_of(form, k).type.to_cell(spec_of(form, k), stored(form, k)) for k in keys}
    for column, key in enumerate(keys):
        sheet.write_string(0, column, key)
        cell = cells[key]
        if isinstance(cell, (date, datetime)):
            sheet.write_datetime(1, column, cell, when)
        else:
            sheet.write(1, column, cell)
    workbook.close()
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == keys
    failing = set()
    for key, read in zip(keys, rows[1]):
        spec = spec_of(form, key)
        try:
            _assert_cell_round_trip(spec, stored(form, key), cells[key], read, SAMPLES[key].cell)
        except (AssertionError, ValueError):
            failing.add(key)
    assert failing == {k for where, k in KNOWN_GAPS if where == "xlsx"}


# -- filters ----------------------------------------------------------------------------------


def filter_cases(form: CompiledForm, type_key: str) -> dict[str, tuple[Any, str]]:
    spec = spec_of(form, type_key)
    value = stored(form, type_key)
    operand = spec.type.serialize(spec, value)
    items = operand if isinstance(operand, list) else [operand]
    defaults: dict[str, tuple[Any, str]] = {
        "eq": (operand, "A"), "ne": (operand, "B"), "in": ([operand], "A"), "not_in": ([operand], "B"),
        "gt": (operand, ""), "gte": (operand, "A"), "lt": (operand, ""), "lte": (operand, "A"),
        "between": ([operand, operand], "A"), "empty": (None, "B"), "not_empty": (None, "A"),
        "has_any": (items[-1:], "A"), "has_all": (items, "A"), "has_none": (items[-1:], "B"),
    }
    cases = {}
    for op in spec.type.operators(spec):
        case = SAMPLES[type_key].filters.get(op) or defaults.get(op)
        assert case is not None, f"{type_key}: give a filter case for operator '{op}'"
        cases[op] = (operand if case[0] is None and op not in ("empty", "not_empty") else case[0], case[1])
    return cases


def target_of(form: CompiledForm, spec: FieldSpec) -> FilterTarget:
    table = form.table
    storage = spec.storage
    if storage is StorageKind.SYSTEM:
        return FilterTarget(table.c[spec.type.system_column], table.c.id)
    if storage is StorageKind.REFS:
        return FilterTarget(None, table.c.id, form.junctions[spec.key])
    if storage is StorageKind.CHILD:
        # The operators expect `record_id`; a subform's rows name their record `parent_id`.
        child = form.children[spec.key].table
        rows = select(child.c.parent_id.label("record_id")).subquery()
        return FilterTarget(None, table.c.id, rows)
    return FilterTarget(table.c[spec.key], table.c.id)


OPERATOR_CASES = [(k, op) for k in SAMPLES if k in FIELD_TYPES for op in FIELD_TYPES.get(k).operators(spec_of(_compiled(), k))]


@pytest.mark.parametrize(("type_key", "op"), OPERATOR_CASES)
def test_every_operator_compiles_on_both_dialects_with_bound_values(form, type_key, op):
    spec = spec_of(form, type_key)
    operand, _ = filter_cases(form, type_key)[op]
    clause = spec.type.compile_filter(spec, target_of(form, spec), op, operand)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(clause.compile(dialect=dialect))
        for literal in operand if isinstance(operand, list) else [operand]:
            if isinstance(literal, str) and len(literal) > 2:
                assert literal not in sql, f"{type_key} {op}: the operand reached the SQL text"


# -- on real databases ------------------------------------------------------------------------

T0 = datetime(2024, 5, 31, 1, 30, tzinfo=timezone.utc)


async def test_compiled_table_stores_samples_and_filters_find_them(db_engine, form, backend):
    async with db_engine.begin() as conn:
        await conn.run_sync(form.metadata.create_all)
        system = {"created_at": T0, "updated_at": T0, "created_by": 7, "updated_by": 7}
        row_a = {**system}
        for spec in form.stored_specs():
            value = stored(form, spec.type.type)
            if spec.type.columns(spec, form.refs):
                row_a[spec.key] = spec.type.to_db(spec, value)
        earlier = T0 - timedelta(days=1)
        a = (await conn.execute(insert(form.table).values(**row_a).returning(form.table.c.id))).scalar_one()
        # The empty record is written as the records layer will write it: every column given, None.
        row_b = {c: None for c in row_a if c not in system} | {"created_at": earlier, "updated_at": earlier}
        b = (await conn.execute(insert(form.table).values(**row_b).returning(form.table.c.id))).scalar_one()
        for key, junction in form.junctions.items():
            ids = stored(form, form.specs[key].type.type)
            await conn.execute(insert(junction), [{"record_id": a, "target_id": t, "position": i} for i, t in enumerate(ids)])
        for key, child in form.children.items():
            rows = [{"parent_id": a, "position": i, **{k: s.type.parse(s, r.get(k)) for k, s in child.specs.items()}}
                    for i, r in enumerate(stored(form, form.specs[key].type.type))]
            await conn.execute(insert(child.table), rows)

        read = (await conn.execute(select(form.table).where(form.table.c.id == a))).mappings().one()
        for spec in form.stored_specs():
            if spec.type.columns(spec, form.refs):
                assert spec.type.from_db(spec, read[spec.key]) == stored(form, spec.type.type), spec.key

        names = {a: "A", b: "B"}
        failures, failing_types = [], set()
        for type_key in SAMPLES:
            spec = spec_of(form, type_key)
            for op, (operand, expected) in filter_cases(form, type_key).items():
                clause = spec.type.compile_filter(spec, target_of(form, spec), op, operand)
                found = (await conn.execute(select(form.table.c.id).where(clause).order_by(form.table.c.id))).scalars()
                got = "".join(names[i] for i in found)
                if got != expected:
                    failing_types.add(type_key)
                    if (f"filter:{backend}", type_key) not in KNOWN_GAPS:
                        failures.append(f"{type_key} {op} {operand!r}: expected {expected!r}, found {got!r}")
        assert failures == []
        assert {k for k in failing_types} >= {k for where, k in KNOWN_GAPS if where == f"filter:{backend}"}
