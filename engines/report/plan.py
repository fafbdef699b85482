"""Resolving a report definition against the app's compiled forms: which tables it reads (the base
form and each join), what every field path means, and every problem with a path and a message in
both languages — a sum on a text field, an unknown field, a formula type error — before any SQL.

Pure: the permission gate's answer comes later (`sql.compile_report`), per viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from engines import expr
from engines.expr import nodes as n
from engines.form.compiled import CompiledForm
from engines.form.types import FieldSpec, StorageKind
from engines.report.definition import Dimension, Measure, ReportDef, Where

# System columns a report may name, with the kind of value they hold.
SYSTEM_KINDS = {
    "id": "number", "created_at": "datetime", "updated_at": "datetime", "created_by": "user", "updated_by": "user",
    "owner_id": "user", "owner_dept_id": "dept", "flow_status": "text",
}
SCALAR_KINDS = {
    StorageKind.TEXT: "text", StorageKind.TIME: "text", StorageKind.DECIMAL: "number", StorageKind.INTEGER: "number",
    StorageKind.BOOLEAN: "bool", StorageKind.DATE: "date", StorageKind.DATETIME: "datetime",
}
PEOPLE = {"member": "user", "department": "dept", "members": "users", "departments": "depts"}
NUMERIC_AGGREGATES = ("sum", "avg", "median")
ORDERED = ("number", "date", "datetime", "text")


class ReportError(ValueError):
    """A definition that cannot run; `errors` has one entry per problem, each with a path."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors[:5]))
        self.errors = errors


def problem(path: str, code: str, en: str, zh: str, **extra: Any) -> dict[str, Any]:
    return {"path": path, "message": en, "message_zh": zh, "code": code, **extra}


def unknown_field(path: str, name: str) -> dict[str, Any]:
    """Said the same way for a field that does not exist and one the viewer may not read."""
    return problem(path, "unknown_field", f"Unknown field '{name}'.", f"未知字段“{name}”。")


@dataclass(frozen=True, eq=False)
class Source:
    """A table in the FROM clause: the base form (alias "") or a joined form."""

    alias: str
    form: CompiledForm
    parent: Source | None = None
    kind: str = "base"  # base | link | links | reverse
    link: str | None = None  # the link field: on the parent (link, links) or on this form (reverse)
    inner: bool = False
    filter: dict[str, Any] | None = None
    path: str = "dataset"

    @property
    def fans_out(self) -> bool:
        """Can one row of the parent meet several rows here?"""
        return self.kind in ("links", "reverse")

    def ancestors(self) -> list[Source]:
        out, node = [], self
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass(frozen=True, eq=False)
class FieldRef:
    path: str
    source: Source
    key: str  # field key, or a system column name
    spec: FieldSpec | None  # None for system columns
    kind: str  # text number bool date datetime user dept link users depts links multi address json

    @property
    def column_name(self) -> str:
        if self.spec is not None and self.spec.storage is StorageKind.SYSTEM:
            return self.spec.type.system_column
        return self.key

    @property
    def fans_out(self) -> bool:
        return self.kind in ("users", "depts", "links", "multi")

    def label(self, locale: str) -> str:
        text = self.spec.definition.label.text(locale) if self.spec is not None else _SYSTEM_LABELS[self.key][locale.startswith("zh")]
        return text if not self.source.alias else f"{self.source.alias}.{text}"


_SYSTEM_LABELS = {
    "id": ("ID", "ID"), "created_at": ("Created at", "创建时间"), "updated_at": ("Updated at", "修改时间"),
    "created_by": ("Created by", "创建人"), "updated_by": ("Updated by", "修改人"), "owner_id": ("Owner", "负责人"),
    "owner_dept_id": ("Owner's department", "所属部门"), "flow_status": ("Flow status", "流程状态"),
}


@dataclass
class PlannedMeasure:
    definition: Measure
    path: str
    ref: FieldRef | None = None
    formula: expr.Formula | None = None
    kind: str = "number"


@dataclass
class Plan:
    definition: ReportDef
    base: Source
    sources: dict[str, Source]  # alias → source ("" is the base)
    dimensions: list[tuple[Dimension, FieldRef]] = field(default_factory=list)
    measures: list[PlannedMeasure] = field(default_factory=list)
    date_field: FieldRef | None = None
    drill: list[tuple[Dimension, FieldRef]] = field(default_factory=list)
    where: list[tuple[Where, FieldRef]] = field(default_factory=list)

    @property
    def forms(self) -> set[str]:
        """Keys of every form the report reads: each needs the viewer's scope."""
        return {s.form.key for s in self.sources.values()}

    @property
    def fans_out(self) -> bool:
        return any(s.fans_out for s in self.sources.values())

    def refs(self) -> list[tuple[str, FieldRef]]:
        """Every field the report reads, with where it is named (for the readable check)."""
        out = [(f"dimensions.{i}.field", ref) for i, (_, ref) in enumerate(self.dimensions)]
        out += [(f"{m.path}.field", m.ref) for m in self.measures if m.ref is not None]
        if self.date_field is not None:
            out.append(("dataset.date_range.field", self.date_field))
        out += [(f"dataset.where.{i}.field", ref) for i, (_, ref) in enumerate(self.where)]
        out += [(f"drill.{i}.field", ref) for i, (_, ref) in enumerate(self.drill)]
        return out

    def reads(self) -> list[tuple[str, Source, str, str]]:
        """Every field the report reads — named fields, the fields of calculated measures and the
        link fields its joins walk — as (where named, source, field key, name shown)."""
        out = [(where, ref.source, ref.key, ref.path) for where, ref in self.refs()]
        for source in self.sources.values():
            if source.kind in ("link", "links") and source.parent is not None:
                where = f"{source.path}.link" if source.path != "dataset" else "dataset"
                out.append((where, source.parent, source.link or "", source.link or ""))
            elif source.kind == "reverse":
                out.append((f"{source.path}.via", source, source.link or "", source.link or ""))
        for planned in self.measures:
            for node in n.walk(planned.formula.node) if planned.formula is not None else ():
                if isinstance(node, n.Ref) and node.rows is not None and len(node.path) > 1:
                    inner = node.path[1:]
                    source = self.sources[inner[0]] if len(inner) > 1 else self.base
                    out.append((f"{planned.path}.formula", source, inner[-1], ".".join(inner)))
        return out


class Planner:
    def __init__(self, definition: ReportDef, forms: Mapping[str, CompiledForm]) -> None:
        self.d = definition
        self.forms = forms
        self.errors: list[dict[str, Any]] = []
        self.sources: dict[str, Source] = {}

    def run(self) -> Plan:
        dataset = self.d.dataset
        base_form = self.forms.get(dataset.form)
        if base_form is None:
            raise ReportError([problem("dataset.form", "unknown_form", f"Unknown form '{dataset.form}'.",
                                       f"未知表单“{dataset.form}”。")])
        base = Source("", base_form, filter=dataset.filter)
        self.sources[""] = base
        for index, join in enumerate(dataset.joins):
            self.join(index, join)
        for text in [m.formula for m in self.d.measures if m.formula]:
            self.implicit_joins_of(text)
        plan = Plan(self.d, base, self.sources)
        for index, dim in enumerate(self.d.dimensions):
            ref = self.dimension(dim, f"dimensions.{index}")
            if ref is not None:
                plan.dimensions.append((dim, ref))
        for index, dim in enumerate(self.d.drill):
            ref = self.dimension(dim, f"drill.{index}")
            if ref is not None:
                plan.drill.append((dim, ref))
        for index, where in enumerate(dataset.where):
            ref = self.dimension(where, f"dataset.where.{index}") if where.transformed else \
                self.resolve(where.field, f"dataset.where.{index}.field")
            if ref is not None:
                plan.where.append((where, ref))
        if self.d.record_page is not None:
            spec = base_form.specs.get(self.d.record_page.link)
            if spec is None or spec.type.type not in ("link", "links"):
                self.fail("record_page.link", "not_a_link", f"'{self.d.record_page.link}' is not a link field of "
                          f"'{dataset.form}'.", f"“{self.d.record_page.link}”不是表单“{dataset.form}”的关联字段。")
        if dataset.date_range is not None:
            ref = self.resolve(dataset.date_range.field, "dataset.date_range.field")
            if ref is not None and ref.kind not in ("date", "datetime"):
                self.fail("dataset.date_range.field", "not_a_date", f"'{ref.path}' is not a date field.",
                          f"“{ref.path}”不是日期字段。")
            plan.date_field = ref
        for index, measure in enumerate(self.d.measures):
            planned = self.measure(plan, measure, f"measures.{index}")
            if planned is not None:
                plan.measures.append(planned)
        self.check_outputs(plan)
        self.check_chart(plan)
        if self.errors:
            raise ReportError(self.errors)
        return plan

    def fail(self, path: str, code: str, en: str, zh: str, **extra: Any) -> None:
        self.errors.append(problem(path, code, en, zh, **extra))

    # -- joins ---------------------------------------------------------------------------------------
    def join(self, index: int, join: Any) -> None:
        path = f"dataset.joins.{index}"
        if join.alias in self.sources:
            self.fail(f"{path}.alias", "duplicate_alias", f"'{join.alias}' is used twice.", f"别名“{join.alias}”重复。")
            return
        parent = self.sources.get(join.source or "")
        if parent is None:
            self.fail(f"{path}.source", "unknown_alias", f"No join is called '{join.source}' before this one.",
                      f"此前没有名为“{join.source}”的关联。")
            return
        if join.link:
            spec = parent.form.specs.get(join.link)
            if spec is None or spec.type.type not in ("link", "links"):
                self.fail(f"{path}.link", "not_a_link", f"'{join.link}' is not a link field of '{parent.form.key}'.",
                          f"“{join.link}”不是表单“{parent.form.key}”的关联字段。")
                return
            target = self.forms.get(spec.options.form)
            if target is None:
                self.fail(f"{path}.link", "unknown_form", f"The form '{spec.options.form}' is not published.",
                          f"表单“{spec.options.form}”尚未发布。")
                return
            self.sources[join.alias] = Source(join.alias, target, parent, spec.type.type, join.link, join.inner,
                                              join.filter, path)
            return
        target = self.forms.get(join.form or "")
        via = target.specs.get(join.via or "") if target is not None else None
        if target is None:
            self.fail(f"{path}.form", "unknown_form", f"Unknown form '{join.form}'.", f"未知表单“{join.form}”。")
        elif via is None or via.type.type != "link" or via.options.form != parent.form.key:
            self.fail(f"{path}.via", "not_a_link", f"'{join.via}' is not a link field of '{join.form}' pointing at "
                      f"'{parent.form.key}'.", f"“{join.via}”不是表单“{join.form}”中指向“{parent.form.key}”的关联字段。")
        else:
            self.sources[join.alias] = Source(join.alias, target, parent, "reverse", join.via, join.inner, join.filter, path)

    def implicit(self, key: str) -> Source | None:
        """A link field of the base form used as a path prefix joins its form implicitly."""
        if key in self.sources:
            return self.sources[key]
        base = self.sources[""]
        spec = base.form.specs.get(key)
        if spec is None or spec.type.type not in ("link", "links") or spec.options.form not in self.forms:
            return None
        source = Source(key, self.forms[spec.options.form], base, spec.type.type, key, path="dataset")
        self.sources[key] = source
        return source

    def implicit_joins_of(self, text: str) -> None:
        try:
            node = expr.parse(text)
        except expr.ExprError:
            return  # reported when the formula is checked
        for item in n.walk(node):
            if isinstance(item, n.Ref) and len(item.path) > 1:
                self.implicit(item.path[0])

    # -- fields ----------------------------------------------------------------------------------------
    def resolve(self, path_text: str, where: str) -> FieldRef | None:
        head, _, rest = path_text.partition(".")
        if rest:
            source = self.implicit(head)
            if source is None:
                self.errors.append(unknown_field(where, path_text))
                return None
            key = rest
        else:
            source, key = self.sources[""], head
        ref = field_ref(source, key, path_text)
        if ref is None:
            self.errors.append(unknown_field(where, path_text))
        return ref

    def dimension(self, dim: Any, path: str) -> FieldRef | None:
        """A dimension, or a `Where` that transforms its field the way a dimension does."""
        ref = self.resolve(dim.field, f"{path}.field")
        if ref is None:
            return None
        kind = ref.kind
        options = {"bucket": kind in ("date", "datetime"), "bin": kind == "number", "part": kind == "address",
                   "dept_level": kind == "dept"}
        for option, allowed in options.items():
            if getattr(dim, option) is not None and not allowed:
                self.fail(f"{path}.{option}", "not_applicable", f"'{option}' does not apply to '{ref.path}'.",
                          f"“{ref.path}”不能设置 {option}。")
        if dim.bucket == "hour" and kind == "date":
            self.fail(f"{path}.bucket", "not_applicable", f"'{ref.path}' holds dates without a time.",
                      f"“{ref.path}”只有日期，没有时间。")
        if kind == "address" and dim.part is None:
            self.fail(f"{path}.part", "part_required", "Group an address by province, city or district.",
                      "地址需按省、市或区县分组。")
        if kind in ("json", "none"):
            self.fail(f"{path}.field", "not_groupable", f"'{ref.path}' cannot be grouped by.", f"不能按“{ref.path}”分组。")
        return ref

    def measure(self, plan: Plan, measure: Measure, path: str) -> PlannedMeasure | None:
        if measure.formula is not None:
            return self.calculated(plan, measure, path)
        planned = PlannedMeasure(measure, path)
        if measure.of is not None and measure.of not in self.sources:
            self.fail(f"{path}.of", "unknown_alias", f"No join is called '{measure.of}'.", f"没有名为“{measure.of}”的关联。")
            return None
        if measure.field is None:
            return planned  # a count of records
        ref = self.resolve(measure.field, f"{path}.field")
        if ref is None:
            return None
        planned.ref = ref
        agg = measure.agg
        if agg in NUMERIC_AGGREGATES and ref.kind != "number":
            self.fail(f"{path}.agg", "not_numeric", f"Cannot {agg} '{ref.path}': it is not a number field.",
                      f"“{ref.path}”不是数字字段，不能{_AGG_ZH[agg]}。")
            return None
        if agg in ("min", "max") and ref.kind not in ORDERED:
            self.fail(f"{path}.agg", "not_ordered", f"'{ref.path}' has no order to take the {agg} of.",
                      f"“{ref.path}”的值无大小之分，不能取{_AGG_ZH[agg]}。")
            return None
        if ref.kind in ("json", "none", "address", "multi") or ref.fans_out:
            self.fail(f"{path}.field", "not_aggregable", f"'{ref.path}' cannot be aggregated.", f"“{ref.path}”不能汇总。")
            return None
        if agg in NUMERIC_AGGREGATES and self.repeated(ref.source):
            self.fail(f"{path}.field", "fan_out", f"'{ref.path}' would be counted once per row of a to-many join; "
                      "aggregate it from a report on its own form, or join nothing to-many beside it.",
                      f"“{ref.path}”会因一对多关联而重复计算；请在其所在表单上单独统计。")
            return None
        planned.kind = ref.kind if agg in ("min", "max") else "number"
        return planned

    def repeated(self, source: Source) -> bool:
        """Are rows of `source` repeated by a to-many join that is not on its own path?"""
        own = set(map(id, source.ancestors()))
        return any(s.fans_out and id(s) not in own for s in self.sources.values())

    def calculated(self, plan: Plan, measure: Measure, path: str) -> PlannedMeasure | None:
        earlier = {m.definition.key: _expr_type(m.kind) for m in plan.measures}
        schema = expr.Schema(earlier, system={}, rows=self.rows_schema())
        try:
            formula = expr.check(measure.formula or "", schema)
        except expr.ExprError as exc:
            self.errors.append(_expr_problem(f"{path}.formula", exc))
            return None
        if formula.type.is_list or formula.type.kind not in (expr.Kind.NUMBER, expr.Kind.NULL):
            got = str(formula.type)
            self.fail(f"{path}.formula", "not_aggregated", f"A calculated measure gives one number per group; this gives "
                      f"{got}. Aggregate the fields it reads: SUM(amount), COUNT(id)…",
                      f"计算指标应对每组给出一个数字，此公式给出 {got}。请对字段做汇总：SUM(amount)、COUNT(id)…")
            return None
        for node in n.walk(formula.node):  # sums over rows repeated by a to-many join are wrong
            if isinstance(node, n.Ref) and node.rows is not None and len(node.path) > 1:
                source = self.sources.get(node.path[1]) if len(node.path) > 2 else self.sources[""]
                if source is not None and self.repeated(source):
                    self.fail(f"{path}.formula", "fan_out", f"'{'.'.join(node.path[1:])}' would be counted once per row "
                              "of a to-many join.", f"“{'.'.join(node.path[1:])}”会因一对多关联而重复计算。",
                              position=expr.Position.at(measure.formula or "", node.start, node.end).as_dict())
                    return None
        return PlannedMeasure(measure, path, formula=formula)

    def rows_schema(self) -> expr.Schema:
        """What one row of the dataset holds, as formulas see it: the base form's scalar fields and
        each join's, under its alias."""
        def scalars(form: CompiledForm) -> dict[str, expr.ExprType]:
            out = {k: _expr_type(SYSTEM_KINDS[k]) for k in SYSTEM_KINDS}
            for key, spec in form.specs.items():
                ref = field_ref(Source("", form), key, key)
                if ref is not None and ref.kind in {*SCALAR_KINDS.values(), "user", "dept", "link"}:
                    out[key] = _expr_type(ref.kind)
            return out

        fields: dict[str, Any] = scalars(self.sources[""].form)
        for alias, source in self.sources.items():
            if alias:
                fields[alias] = expr.record(scalars(source.form))
        return expr.Schema(fields, system={})

    def check_outputs(self, plan: Plan) -> None:
        keys = {d.out for d, _ in plan.dimensions} | {m.definition.key for m in plan.measures}
        dims = {d.out for d, _ in plan.dimensions}
        for index, sort in enumerate(self.d.sort):
            if sort.key not in keys:
                self.fail(f"sort.{index}.key", "unknown_key", f"Sort by '{sort.key}': no such dimension or measure.",
                          f"排序键“{sort.key}”不是维度或指标。")
        for index, step in enumerate(self.d.post):
            for name in ("measure", "dimension", "columns"):
                value = getattr(step, name, None)
                wanted = dims if name in ("dimension", "columns") else keys - dims
                if value is not None and value not in wanted:
                    self.fail(f"post.{index}.{name}", "unknown_key", f"'{value}' is not a {name} of this report.",
                              f"“{value}”不是本报表的{'维度' if name != 'measure' else '指标'}。")
            for j, key in enumerate(getattr(step, "values", None) if step.type == "pivot" else []):
                if key not in keys - dims:
                    self.fail(f"post.{index}.values.{j}", "unknown_key", f"'{key}' is not a measure of this report.",
                              f"“{key}”不是本报表的指标。")
            for j, key in enumerate(getattr(step, "by", [])):
                if key not in dims:
                    self.fail(f"post.{index}.by.{j}", "unknown_key", f"'{key}' is not a dimension of this report.",
                              f"“{key}”不是本报表的维度。")


    def check_chart(self, plan: Plan) -> None:
        from pydantic import ValidationError

        from engines.report.charts import CHART_TYPES

        chart = self.d.chart
        if chart.type not in CHART_TYPES:
            self.fail("chart.type", "unknown_chart", f"Unknown chart type '{chart.type}'.", f"未知图表类型“{chart.type}”。")
            return
        chart_type = CHART_TYPES.get(chart.type)
        try:
            chart_type.parse_settings(chart.settings)
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(p) for p in e["loc"])
                self.fail(f"chart.settings.{loc}".rstrip("."), "bad_setting", e["msg"], e["msg"])
        if not any(step.type == "pivot" for step in self.d.post):
            for what, en, zh in chart_type.check(len(self.d.dimensions), len(self.d.measures)):
                self.fail(what, "chart_shape", en, zh)
        buckets = {d.out: d.bucket for d, _ in plan.dimensions}
        for index, step in enumerate(self.d.post):
            if step.type == "period_over_period" and buckets.get(step.dimension) not in ("day", "week", "month", "quarter", "year"):
                self.fail(f"post.{index}.dimension", "not_a_period", "Period over period needs a date dimension bucketed "
                          "by day, week, month, quarter or year.", "同比环比需要按日、周、月、季度或年分组的日期维度。")


_AGG_ZH = {"sum": "求和", "avg": "求平均", "median": "求中位数", "min": "取最小值", "max": "取最大值"}


def field_ref(source: Source, key: str, path: str) -> FieldRef | None:
    if key in SYSTEM_KINDS:
        return FieldRef(path, source, key, None, SYSTEM_KINDS[key])
    spec = source.form.specs.get(key)
    if spec is None:
        return None
    return FieldRef(path, source, key, spec, kind_of(spec))


def kind_of(spec: FieldSpec) -> str:
    storage = spec.storage
    if storage is StorageKind.SYSTEM:
        return SYSTEM_KINDS.get(spec.type.system_column, "text")
    if spec.type.type in PEOPLE:
        return PEOPLE[spec.type.type]
    if spec.type.type in ("link", "links"):
        return spec.type.type
    if spec.type.type == "multi_select":
        return "multi"
    if spec.type.type == "address":
        return "address"
    if storage in SCALAR_KINDS:
        return SCALAR_KINDS[storage]
    return "json" if storage is StorageKind.JSON else "none"


_EXPR_TYPES = {"number": expr.NUMBER, "text": expr.TEXT, "bool": expr.BOOL, "date": expr.DATE, "datetime": expr.DATETIME,
               "user": expr.USER, "dept": expr.DEPT, "link": expr.NUMBER}


def _expr_type(kind: str) -> expr.ExprType:
    return _EXPR_TYPES.get(kind, expr.TEXT)


def _expr_problem(path: str, exc: expr.ExprError) -> dict[str, Any]:
    out = problem(path, exc.code, exc.message("en"), exc.message("zh-CN"))
    if exc.position is not None:
        out["position"] = exc.position.as_dict()
    return out


def plan_report(definition: ReportDef, forms: Mapping[str, CompiledForm]) -> Plan:
    """Resolve and check a definition; raises ReportError listing every problem."""
    return Planner(definition, forms).run()
