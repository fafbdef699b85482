"""Binding computed fields when a form compiles: each lookup and rollup learns its source and
column kind, formulas are parsed, ordered and type-checked against the form's own schema, and
rules, visibility conditions and default formulas are type-checked too. Cycles are refused."""

from __future__ import annotations

from typing import Callable, Mapping

import networkx as nx

from engines import expr
from engines.expr import nodes as n
from engines.expr import types as et
from engines.form.definition import FormDef
from engines.form.types import FieldSpec, StorageKind
from engines.form.types.computed import ReverseSource

Problem = dict[str, str]
SpecsOf = Callable[[str], dict[str, FieldSpec] | None]  # form key → its fields (the other forms of the app)

_KIND_STORAGE = {
    et.Kind.NUMBER: StorageKind.DECIMAL,
    et.Kind.TEXT: StorageKind.TEXT,
    et.Kind.BOOL: StorageKind.BOOLEAN,
    et.Kind.DATE: StorageKind.DATE,
    et.Kind.DATETIME: StorageKind.DATETIME,
    et.Kind.USER: StorageKind.REF,
    et.Kind.DEPT: StorageKind.REF,
}
SCALAR_STORAGE = {StorageKind.TEXT, StorageKind.DECIMAL, StorageKind.INTEGER, StorageKind.BOOLEAN, StorageKind.DATE,
                  StorageKind.DATETIME, StorageKind.TIME, StorageKind.REF}


def _path(specs: Mapping[str, FieldSpec], key: str) -> str:
    return f"fields.{list(specs).index(key)}"


def bind(specs: dict[str, FieldSpec], definition: FormDef, specs_of: SpecsOf) -> list[Problem]:
    problems: list[Problem] = []
    for key, spec in specs.items():
        if spec.storage is StorageKind.REF and spec.type.type in ("link",):
            target = specs_of(spec.options.form)
            if target is not None:
                spec.extra["linked_schema"] = _plain_schema(target)
        if spec.storage is StorageKind.REFS and spec.type.type == "links":
            target = specs_of(spec.options.form)
            if target is not None:
                spec.extra["linked_schema"] = _plain_schema(target)
    for key, spec in specs.items():
        if spec.storage is StorageKind.CHILD and spec.children:
            problems += _bind_rows(spec, specs, specs_of)
    for key, spec in specs.items():
        kind = spec.type.type
        if kind == "lookup":
            problems += _bind_lookup(spec, specs, specs_of)
        elif kind == "rollup":
            problems += _bind_rollup(spec, specs, specs_of)
        elif kind == "autonumber":
            spec.extra["storage"] = StorageKind.TEXT
    problems += _bind_formulas(specs)
    problems += _check_rules(specs)
    return problems


def _bind_rows(spec: FieldSpec, specs: Mapping[str, FieldSpec], specs_of: SpecsOf) -> list[Problem]:
    """A subform's own computed columns: lookups through its link columns and row formulas."""
    prefix = f"{_path(specs, spec.key)}."
    rows = {c.key: c for c in spec.children}
    problems: list[Problem] = []
    for child in rows.values():
        if child.type.type == "link":
            target = specs_of(child.options.form)
            if target is not None:
                child.extra["linked_schema"] = _plain_schema(target)
    for child in rows.values():
        if child.type.type == "lookup":
            problems += _bind_lookup(child, rows, specs_of)
        elif child.type.type in ("rollup", "autonumber"):
            problems.append({"path": f"{_path(rows, child.key)}", "message": f"a subform column cannot be a {child.type.type}"})
    problems += _bind_formulas(rows)
    spec.extra["row_formulas"] = formula_order(rows)
    return [{**p, "path": prefix + p["path"]} for p in problems]


def formula_order(specs: Mapping[str, FieldSpec]) -> list[str]:
    graph = nx.DiGraph()
    formulas = {k: s for k, s in specs.items() if s.extra.get("formula") is not None}
    for key, spec in formulas.items():
        graph.add_node(key)
        for root in spec.extra["formula"].dependencies.roots & set(formulas):
            graph.add_edge(root, key)
    return list(nx.lexicographical_topological_sort(graph))


def _plain_schema(specs: Mapping[str, FieldSpec]) -> et.Schema:
    """A linked form as formulas see it: its stored, non-computed fields (one level deep)."""
    return et.Schema({
        k: s.type.expr_type(s) for k, s in specs.items()
        if not s.type.computed and s.storage in SCALAR_STORAGE | {StorageKind.JSON}
    })


def _bind_lookup(spec: FieldSpec, specs: Mapping[str, FieldSpec], specs_of: SpecsOf) -> list[Problem]:
    path = _path(specs, spec.key)
    link = specs.get(spec.options.link)
    if link is None or link.type.type not in ("link", "links"):
        return [{"path": f"{path}.options.link", "message": f"'{spec.options.link}' is not a link field of this form"}]
    target_specs = specs_of(link.options.form)
    target = (target_specs or {}).get(spec.options.field)
    if target is None:
        return [{"path": f"{path}.options.field", "message": f"the linked form has no field '{spec.options.field}'"}]
    if target.storage not in SCALAR_STORAGE:
        return [{"path": f"{path}.options.field", "message": f"'{spec.options.field}' cannot be looked up"}]
    spec.extra.update(source=link.key, target_spec=target, target_form=link.options.form)
    if link.storage is StorageKind.REF:
        spec.extra["storage"] = target.storage
        spec.extra["expr_type"] = target.type.expr_type(target)
    else:
        spec.extra["storage"] = StorageKind.JSON
        spec.extra["expr_type"] = et.list_of(target.type.expr_type(target))
    return []


def _bind_rollup(spec: FieldSpec, specs: Mapping[str, FieldSpec], specs_of: SpecsOf) -> list[Problem]:
    path = _path(specs, spec.key)
    options = spec.options
    rows: Mapping[str, FieldSpec] | None
    if isinstance(options.source, ReverseSource):
        other = specs_of(options.source.form)
        via = (other or {}).get(options.source.via)
        if via is None or via.type.type != "link":
            return [{"path": f"{path}.options.source", "message": "the source must be a link field of another form pointing here"}]
        rows, kind = other, "reverse"
    else:
        source = specs.get(options.source)
        if source is None or source.storage not in (StorageKind.CHILD, StorageKind.REFS):
            return [{"path": f"{path}.options.source", "message": f"'{options.source}' is not a subform or link-to-many field"}]
        if source.storage is StorageKind.CHILD:
            rows, kind = {c.key: c for c in source.children}, "children"
        else:
            rows, kind = specs_of(source.options.form), "links"
    spec.extra["source_kind"] = kind
    if options.function == "count":
        spec.extra["storage"] = StorageKind.DECIMAL
        return []
    field = (rows or {}).get(options.field or "")
    if field is None:
        return [{"path": f"{path}.options.field", "message": f"the rows have no field '{options.field}'"}]
    numeric = field.storage in (StorageKind.DECIMAL, StorageKind.INTEGER)
    if options.function in ("sum", "avg") and not numeric:
        return [{"path": f"{path}.options.function", "message": f"cannot {options.function} a non-numeric field"}]
    if not numeric and field.storage not in (StorageKind.DATE, StorageKind.DATETIME, StorageKind.TEXT):
        return [{"path": f"{path}.options.field", "message": f"cannot aggregate '{options.field}'"}]
    spec.extra["row_spec"] = field
    spec.extra["storage"] = StorageKind.DECIMAL if numeric else field.storage
    return []


def _roots(text: str) -> set[str]:
    try:
        node = expr.parse(text)
    except expr.ExprError:
        return set()
    return {item.path[0] for item in n.walk(node) if isinstance(item, n.Ref) and item.path}


def _schema(specs: Mapping[str, FieldSpec], exclude: set[str]) -> et.Schema:
    return et.Schema({
        k: s.type.expr_type(s) for k, s in specs.items()
        if k not in exclude and s.storage is not StorageKind.NONE
    })


def form_schema(specs: Mapping[str, FieldSpec]) -> et.Schema:
    """Every field of a compiled form as formulas see it."""
    return _schema(specs, set())


def _expr_problem(path: str, exc: expr.ExprError) -> Problem:
    problem = {"path": path, "message": exc.message("en"), "message_zh": exc.message("zh-CN"), "code": exc.code}
    if exc.position is not None:
        problem["position"] = exc.position.as_dict()
    return problem


def _bind_formulas(specs: dict[str, FieldSpec]) -> list[Problem]:
    formulas = {k: s for k, s in specs.items() if s.type.type == "formula"}
    graph = nx.DiGraph()
    for key, spec in formulas.items():
        graph.add_node(key)
        for root in _roots(spec.options.expression) & set(formulas):
            graph.add_edge(root, key)
    problems: list[Problem] = []
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    for cycle in cycles:
        problems.append({"path": f"{_path(specs, cycle[0])}.options.expression",
                         "message": "formulas read each other in a cycle: " + " → ".join([*cycle, cycle[0]])})
    in_cycles = {key for cycle in cycles for key in cycle}
    for key in in_cycles:
        formulas[key].extra["storage"] = StorageKind.TEXT
    graph.remove_nodes_from(in_cycles)
    pending = set(formulas)
    for key in nx.lexicographical_topological_sort(graph):
        spec = formulas[key]
        pending.discard(key)
        try:
            formula = expr.check(spec.options.expression, _schema(specs, pending | {key}))
        except expr.ExprError as exc:
            problems.append(_expr_problem(f"{_path(specs, key)}.options.expression", exc))
            spec.extra["storage"] = StorageKind.TEXT
            continue
        kind = formula.type.kind
        spec.extra["formula"] = formula
        spec.extra["expr_type"] = formula.type
        spec.extra["storage"] = _KIND_STORAGE.get(kind, StorageKind.JSON if formula.type.is_list else StorageKind.TEXT)
    return problems


def _check_rules(specs: Mapping[str, FieldSpec]) -> list[Problem]:
    problems: list[Problem] = []
    schema = _schema(specs, set())
    for key, spec in specs.items():
        path = _path(specs, key)
        definition = spec.definition
        if definition.visible_when:
            try:
                spec.extra["visible_when"] = expr.check(definition.visible_when, schema, expect="bool")
            except expr.ExprError as exc:
                problems.append(_expr_problem(f"{path}.visible_when", exc))
        rules = []
        for index, rule in enumerate(definition.rules):
            try:
                rules.append((expr.check(rule.expr, schema, expect="bool"), rule.message))
            except expr.ExprError as exc:
                problems.append(_expr_problem(f"{path}.rules.{index}.expr", exc))
        spec.extra["rules"] = rules
        if definition.default and definition.default.formula:
            try:
                spec.extra["default_formula"] = expr.check(definition.default.formula, schema)
            except expr.ExprError as exc:
                problems.append(_expr_problem(f"{path}.default.formula", exc))
    return problems


__all__ = ["bind"]
