"""The checked-in JSON Schemas under schemas/ are the ones the definition models generate, and
they accept and refuse what the backend accepts and refuses."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from builder.schemas import SCHEMA_DIR, definition_schemas, render
from tests.factories.forms import choices, field, make_form

GENERATED = definition_schemas()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_checked_in_schema_is_up_to_date(name):
    path = SCHEMA_DIR / name
    assert path.is_file(), f"schemas/{name} is missing: run `python -m builder.schemas`"
    assert path.read_text(encoding="utf-8") == render(GENERATED[name]), (
        f"schemas/{name} differs from the definition models: run `python -m builder.schemas`")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_schema_is_valid_json_schema(name):
    Draft202012Validator.check_schema(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))


def _errors(kind: str, document: dict) -> list[str]:
    validator = Draft202012Validator(GENERATED[f"{kind}.schema.json"])
    return [".".join(str(p) for p in error.absolute_path) for error in validator.iter_errors(document)]


def _flow(approval_config: dict) -> dict:
    return {
        "key": "review", "name": {"zh-CN": "评审"}, "form": "orders",
        "nodes": [
            {"id": "start", "type": "trigger.submit"},
            {"id": "boss", "type": "approval", "config": approval_config},
            {"id": "done", "type": "end"},
        ],
        "edges": [{"source": "start", "target": "boss"}, {"source": "boss", "target": "done"}],
    }


def test_flow_schema_checks_each_node_config_by_its_type():
    good = {"assignees": [{"kind": "users", "users": [1]}], "mode": "all"}
    assert _errors("flow", _flow(good)) == []
    assert _errors("flow", _flow({**good, "colour": "red"})) == ["nodes.1.config"]
    assert _errors("flow", _flow({"assignees": []})) == ["nodes.1.config.assignees"]


def test_flow_schema_refuses_unknown_top_level_keys():
    assert _errors("flow", {**_flow({"assignees": [{"kind": "initiator"}]}), "extra": 1}) == [""]


def test_form_schema_checks_each_fields_options_by_its_type():
    form = make_form("orders", [field("status", "single_select", options=choices("new", "won")), field("note")])
    assert _errors("form", form) == []
    form["fields"][0]["options"]["choices"] = "new,won"
    assert _errors("form", form) == ["fields.0.options.choices"]
