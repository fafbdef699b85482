"""Bad definitions are refused before any SQL, each problem with its path, code and both languages."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from engines.report import ReportDef, ReportError, drill, plan_report
from tests.unit.report.world import TZ, compile_all

FORMS = compile_all()


def definition(**extra) -> dict:
    base = {"dataset": {"form": "deals"}, "dimensions": [{"field": "stage"}],
            "measures": [{"key": "n", "agg": "count"}], "chart": {"type": "column"}}
    base.update(extra)
    return base


def problems(raw: dict) -> list[dict]:
    with pytest.raises(ReportError) as caught:
        plan_report(ReportDef.model_validate(raw), FORMS)
    for error in caught.value.errors:
        assert error["message"] and error["message_zh"] and error["code"] and error["path"]
    return caught.value.errors


@pytest.mark.parametrize("raw, path, code", [
    (definition(measures=[{"key": "x", "agg": "sum", "field": "title"}]), "measures.0.agg", "not_numeric"),
    (definition(measures=[{"key": "x", "agg": "avg", "field": "signed_on"}]), "measures.0.agg", "not_numeric"),
    (definition(measures=[{"key": "x", "agg": "max", "field": "customer"}]), "measures.0.agg", "not_ordered"),
    (definition(measures=[{"key": "x", "agg": "count", "field": "tags"}]), "measures.0.field", "not_aggregable"),
    (definition(dimensions=[{"field": "nope"}]), "dimensions.0.field", "unknown_field"),
    (definition(dimensions=[{"field": "customer.nope"}]), "dimensions.0.field", "unknown_field"),
    (definition(dimensions=[{"field": "title.name"}]), "dimensions.0.field", "unknown_field"),
    (definition(dimensions=[{"field": "amount", "bucket": "month"}]), "dimensions.0.bucket", "not_applicable"),
    (definition(dimensions=[{"field": "signed_on", "bucket": "hour"}]), "dimensions.0.bucket", "not_applicable"),
    (definition(dimensions=[{"field": "stage", "bin": {"width": 5}}]), "dimensions.0.bin", "not_applicable"),
    ({**definition(), "dataset": {"form": "customers"}, "dimensions": [{"field": "address"}]}, "dimensions.0.part", "part_required"),
    (definition(measures=[{"key": "x", "formula": "SUM(amount) + title"}]), "measures.0.formula", "operand_types"),
    (definition(measures=[{"key": "x", "formula": "SUM(amount"}]), "measures.0.formula", "unexpected_end"),
    (definition(measures=[{"key": "x", "formula": "amount / 2"}]), "measures.0.formula", "not_aggregated"),
    (definition(measures=[{"key": "x", "formula": "later * 2"}, {"key": "later", "agg": "count"}]), "measures.0.formula",
     "unknown_field"),  # a measure reads only the measures before it
    (definition(sort=[{"key": "nope"}]), "sort.0.key", "unknown_key"),
    (definition(chart={"type": "nope"}), "chart.type", "unknown_chart"),
    (definition(chart={"type": "heatmap"}), "dimensions", "chart_shape"),
    (definition(post=[{"type": "period_over_period", "measure": "n", "dimension": "stage"}]), "post.0.dimension", "not_a_period"),
    (definition(post=[{"type": "rank", "measure": "stage"}]), "post.0.measure", "unknown_key"),
    (definition(dataset={"form": "deals", "joins": [{"alias": "c", "link": "title"}]}), "dataset.joins.0.link", "not_a_link"),
    (definition(dataset={"form": "deals", "joins": [{"alias": "p", "form": "payments", "via": "paid"}]}),
     "dataset.joins.0.via", "not_a_link"),
    (definition(dataset={"form": "deals", "joins": [{"alias": "p", "source": "x", "form": "payments", "via": "deal"}]}),
     "dataset.joins.0.source", "unknown_alias"),
    (definition(dataset={"form": "deals", "date_range": {"field": "stage", "relative": "this_year"}}),
     "dataset.date_range.field", "not_a_date"),
    (definition(dataset={"form": "nope"}), "dataset.form", "unknown_form"),
])
def test_each_problem_is_named_with_its_path(raw, path, code):
    errors = problems(raw)
    assert any(e["path"] == path and e["code"] == code for e in errors), errors


def test_sums_over_rows_a_to_many_join_repeats_are_refused():
    fanned = {"form": "customers", "joins": [{"alias": "deals", "form": "deals", "via": "customer"}]}
    errors = problems({**definition(), "dataset": fanned, "dimensions": [{"field": "region"}],
                       "measures": [{"key": "c", "agg": "sum", "field": "credit"}]})
    assert errors[0]["code"] == "fan_out" and errors[0]["path"] == "measures.0.field"
    errors = problems({**definition(), "dataset": fanned, "dimensions": [{"field": "region"}],
                       "measures": [{"key": "c", "formula": "SUM(credit) / 2"}]})
    assert errors[0]["code"] == "fan_out" and errors[0]["position"]["offset"] == 4
    fine = {**definition(), "dataset": fanned, "dimensions": [{"field": "region"}],
            "measures": [{"key": "c", "agg": "max", "field": "credit"}, {"key": "d", "agg": "sum", "field": "deals.amount"},
                         {"key": "e", "agg": "count", "field": "credit"}]}
    plan_report(ReportDef.model_validate(fine), FORMS)


def test_a_formula_error_carries_its_position():
    errors = problems(definition(measures=[{"key": "x", "formula": "SUM(amount) + SUM(nope)"}]))
    assert errors[0]["code"] == "unknown_field" and errors[0]["position"]["offset"] == 18
    assert "nope" in errors[0]["message"] and "$rows" not in errors[0]["message"]


def test_the_shape_of_a_definition_is_checked_by_its_model():
    for raw in (definition(measures=[]), definition(measures=[{"key": "x"}]),
                definition(measures=[{"key": "x", "agg": "sum"}]),
                definition(dimensions=[{"field": "stage"}, {"field": "stage"}]),
                definition(dataset={"form": "deals", "date_range": {"field": "signed_on"}}),
                definition(dataset={"form": "deals", "joins": [{"alias": "x", "link": "customer", "form": "c", "via": "d"}]}),
                definition(measures=[{"key": "x", "agg": "count", "sql": "1; drop table deals"}])):
        with pytest.raises(ValidationError):
            ReportDef.model_validate(raw)


def test_drilling_replaces_the_first_dimension_with_the_next_level():
    raw = definition(dimensions=[{"field": "signed_on", "bucket": "year"}, {"field": "stage"}],
                     drill=[{"field": "signed_on", "bucket": "month"}])
    plan = plan_report(ReportDef.model_validate(raw), FORMS)
    answer = drill(plan, {"signed_on": "2024-01-01"}, date(2025, 6, 1), TZ)
    assert answer.kind == "report"
    assert [d.bucket for d in answer.definition.dimensions] == ["month", None]
    assert answer.definition.dataset.where[0].bucket == "year" and answer.definition.drill == []
    last = drill(plan_report(answer.definition, FORMS), {"signed_on": "2024-03-01", "stage": "won"}, date(2025, 6, 1), TZ)
    assert last.kind == "records"
    assert last.filter == {"and": [
        {"field": "signed_on", "op": "gte", "value": "2024-01-01"}, {"field": "signed_on", "op": "lt", "value": "2025-01-01"},
        {"field": "signed_on", "op": "gte", "value": "2024-03-01"}, {"field": "signed_on", "op": "lt", "value": "2024-04-01"},
        {"field": "stage", "op": "eq", "value": "won"}]}


def test_drilling_into_records_says_what_the_list_cannot_express():
    raw = {**definition(), "dataset": {"form": "customers", "joins": [{"alias": "deals", "form": "deals", "via": "customer"}]},
           "dimensions": [{"field": "deals.stage"}, {"field": "region"}]}
    answer = drill(plan_report(ReportDef.model_validate(raw), FORMS), {"deals.stage".replace(".", "__"): "won",
                                                                       "region": "east"}, date(2025, 6, 1), TZ)
    assert answer.unapplied == ["deals.stage"] and answer.filter == {"and": [{"field": "region", "op": "eq", "value": "east"}]}
    through = drill(plan_report(ReportDef.model_validate(definition(dimensions=[{"field": "customer.region"}])), FORMS),
                    {"customer__region": 'ea"st'}, date(2025, 6, 1), TZ)
    assert through.filter == {"and": [{"expr": 'customer.region = "ea""st"'}]}
    with pytest.raises(ReportError):
        drill(plan_report(ReportDef.model_validate(definition()), FORMS), {"nope": 1}, date(2025, 6, 1), TZ)
