"""Layout pieces, buttons and related lists hold no data; their settings are checked when designing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engines.form.compiled import CompileContext, DefinitionError, compile_form
from engines.form.definition import FormDef
from engines.form.types import FIELD_TYPES, StorageKind

LAYOUT = {
    "section": {"collapsible": True},
    "tab": {},
    "description": {"content": {"en": "Read me"}},
    "button": {"action": "run_flow", "flow_key": "follow_up"},
    "related_list": {"form": "contacts", "match_field": "customer", "columns": ["name"]},
}


def make_form(key: str, *fields: dict) -> dict:
    return {"key": key, "label": {"en": key}, "fields": list(fields)}


def field(key: str, type_key: str, **options) -> dict:
    return {"key": key, "type": type_key, "label": {"en": key}, "options": options}


CUSTOMERS = make_form("customers", field("name", "text"))
CONTACTS = make_form("contacts", field("name", "text"), field("phone", "phone"), field("customer", "link", form="customers"))


def compile_customers(*extra: dict):
    customers = make_form("customers", field("name", "text"), *extra)
    context = CompileContext("crm", {"customers": FormDef.model_validate(customers), "contacts": FormDef.model_validate(CONTACTS)})
    return compile_form("crm", customers, context)


@pytest.mark.parametrize("type_key", LAYOUT)
def test_layout_pieces_have_no_column_no_operators_and_take_no_value(type_key):
    field_type = FIELD_TYPES.get(type_key)
    assert field_type.storage is StorageKind.NONE and not field_type.sortable
    compiled = compile_customers(field("piece", type_key, **LAYOUT[type_key]))
    spec = compiled.specs["piece"]
    assert "piece" not in compiled.table.c and spec not in compiled.stored_specs()
    assert spec.type.operators(spec) == () and spec.type.parse(spec, None) is None


def test_description_content_is_sanitised_when_designing():
    options = FIELD_TYPES.get("description").parse_options(
        {"content": {"zh-CN": '<p onclick="x()">请<b>阅读</b><script>alert(1)</script></p>', "en": "<a href='javascript:x'>y</a>"}}
    )
    assert options.content["zh-CN"] == "<p>请<b>阅读</b></p>"
    assert "javascript" not in options.content["en"]


def test_open_url_buttons_take_web_links_with_field_placeholders():
    compiled = compile_customers(field("search", "button", action="open_url", url_template="https://www.baidu.com/s?wd={name}"))
    assert compiled.specs["search"].options.url_template.endswith("{name}")
    with pytest.raises(DefinitionError) as error:
        compile_customers(field("search", "button", action="open_url", url_template="https://x.example/?q={nope}"))
    assert "nope" in str(error.value)


@pytest.mark.parametrize(
    "options",
    [
        {"action": "open_url", "url_template": "javascript:alert(1)"},
        {"action": "open_url", "url_template": "data:text/html,x"},
        {"action": "open_url", "url_template": "//evil.example/"},
        {"action": "open_url", "url_template": "https://{name}/steal"},
        {"action": "open_url", "url_template": "https://x.example/{__class__}"},
        {"action": "open_url", "url_template": "https://x.example/a b"},
        {"action": "open_url"},
        {"action": "run_flow"},
        {"action": "delete_everything", "flow_key": "x"},
    ],
)
def test_unsafe_or_incomplete_buttons_are_refused(options):
    with pytest.raises(ValidationError):
        FIELD_TYPES.get("button").parse_options(options)


def test_run_flow_button_names_a_flow():
    options = FIELD_TYPES.get("button").parse_options({"action": "run_flow", "flow_key": "approve_quote"})
    assert options.flow_key == "approve_quote"


def test_related_list_names_a_link_of_the_other_form_pointing_here():
    compiled = compile_customers(field("people", "related_list", form="contacts", match_field="customer",
                                       columns=["name", "phone"], filter=[{"field": "phone", "op": "starts_with", "value": "138"}],
                                       sort=[{"field": "created_at", "descending": True}]))
    assert compiled.specs["people"].options.page_size == 10


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"form": "nowhere", "match_field": "customer", "columns": ["name"]}, "unknown form"),
        ({"form": "contacts", "match_field": "phone", "columns": ["name"]}, "not a link field"),
        ({"form": "contacts", "match_field": "customer", "columns": ["salary"]}, "column 'salary'"),
        ({"form": "contacts", "match_field": "customer", "columns": ["name"],
          "filter": [{"field": "phone", "op": "gt", "value": 1}]}, "operator 'gt'"),
        ({"form": "contacts", "match_field": "customer", "columns": ["name"],
          "filter": [{"field": "secret", "op": "eq", "value": 1}]}, "unknown field 'secret'"),
        ({"form": "contacts", "match_field": "customer", "columns": ["name"], "sort": [{"field": "secret"}]}, "secret"),
    ],
)
def test_related_list_problems_are_reported_when_designing(options, problem):
    with pytest.raises(DefinitionError) as error:
        compile_customers(field("people", "related_list", **options))
    assert problem in str(error.value)
