"""A planned report → one SQL `SELECT … GROUP BY` (SQLAlchemy Core, SQLite and PostgreSQL).

The base form is read from its own table and each join from an alias of its form's table. The
viewer's row condition on every form read is applied in SQL: in the WHERE clause for the base
form, in the ON clause for a joined form (a linked record the viewer may not see is then simply
absent, as in linked-record expansion). A field the viewer may not read is refused exactly like an
unknown one. GROUP BY and ORDER BY use output positions and labels, so an expression with bound
parameters (a bucket, a bin) is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Mapping, Sequence

from sqlalchemy import (
    TIMESTAMP,
    Date,
    Float,
    Integer,
    Numeric,
    REAL,
    and_,
    case,
    cast,
    distinct,
    extract,
    false,
    func,
    literal_column,
    null,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import ColumnElement

from engines import expr
from engines.expr.sql.dialects import DIALECTS, const
from engines.form.compiled import CompiledForm
from engines.form.query import ExprEnv, QueryError, compile_filter, condition
from engines.report.dates import relative_range
from engines.report.plan import SYSTEM_KINDS, FieldRef, Plan, ReportError, Source, problem, unknown_field

Col = ColumnElement[Any]


@dataclass(frozen=True)
class Access:
    """The permission gate's answer for one form: its row condition and readable fields."""

    rows: Col | None = None
    readable: frozenset[str] | None = None


@dataclass(frozen=True)
class Env:
    dialect: str
    context: expr.Context  # now, today and the viewer, for relative dates and expression filters
    forms: Mapping[str, CompiledForm]  # the app's forms, for expression filters through links
    departments: Mapping[int, int | None] = field(default_factory=dict)  # id → parent, for dept_level

    @property
    def tz(self) -> tzinfo:
        assert self.context.tz is not None
        return self.context.tz


@dataclass(frozen=True)
class OutColumn:
    key: str
    role: str  # dimension | measure
    kind: str  # a FieldRef kind, or number for measures
    label: str
    bucket: str | None = None
    ref: FieldRef | None = None


@dataclass
class Compiled:
    statement: Any
    columns: list[OutColumn]
    limit: int


class ReportCompiler:
    def __init__(self, plan: Plan, access: Mapping[str, Access], env: Env, locale: str = "zh-CN") -> None:
        self.plan, self.access, self.env, self.locale = plan, access, env, locale
        self.d = DIALECTS[env.dialect]
        self.errors: list[dict[str, Any]] = []
        self.tables: dict[str, Any] = {}
        self.from_: Any = None
        self.exploded: dict[tuple[str, str], Col] = {}  # (alias, key) → the column of one item
        self.measure_sql: dict[str, Col] = {}

    def compile(self) -> Compiled:
        self.check_readable()
        if self.errors:
            raise ReportError(self.errors)
        where = self.build_from()
        dims = [(d, ref, self.transformed(ref, d)) for d, ref in self.plan.dimensions]
        where += self.where_conditions()
        columns: list[OutColumn] = []
        selected: list[Col] = []
        labels: dict[str, str] = {}  # output key → SQL label (a leading _ never meets a field key)
        expressions: dict[str, Col] = {}
        for index, (dim, ref, sql) in enumerate(dims):
            labels[dim.out] = f"_d{index}"
            expressions[dim.out] = sql
            selected.append(sql.label(labels[dim.out]))
            kind = "dept" if dim.dept_level else ("number" if dim.bin else ref.kind)
            label = dim.label.text(self.locale) if dim.label else ref.label(self.locale)
            columns.append(OutColumn(dim.out, "dimension", kind, label, dim.bucket, ref))
        for index, planned in enumerate(self.plan.measures):
            sql = self.measure(planned)
            if sql is None:
                continue
            self.measure_sql[planned.definition.key] = sql
            labels[planned.definition.key] = f"_m{index}"
            if planned.kind == "number" and planned.definition.agg not in ("count", "count_distinct"):
                sql = type_coerce(sql, Float())  # read as a plain float: no Decimal made per value
            selected.append(sql.label(labels[planned.definition.key]))
            m = planned.definition
            label = m.label.text(self.locale) if m.label else planned.ref.label(self.locale) if planned.ref else \
                ("记录数" if self.locale.startswith("zh") else "Records") if m.agg == "count" else m.key
            columns.append(OutColumn(m.key, "measure", planned.kind, label, ref=planned.ref))
        if self.errors:
            raise ReportError(self.errors)
        statement = select(*selected).select_from(self.from_).where(*where)
        for tag in sorted({s.form.tag for s in self.plan.sources.values()}):
            statement = statement.prefix_with(tag)
        if dims:
            statement = statement.group_by(*[literal_column(str(i + 1)) for i in range(len(dims))])
        statement = statement.order_by(*self.order(columns, labels, expressions)).limit(self.plan.definition.limit + 1)
        return Compiled(statement, columns, self.plan.definition.limit)

    # -- permissions -------------------------------------------------------------------------------
    def readable(self, source: Source, key: str) -> bool:
        allowed = self.access_of(source).readable
        return allowed is None or key in allowed or key in SYSTEM_KINDS

    def access_of(self, source: Source) -> Access:
        return self.access.get(source.form.key) or Access(false())

    def check_readable(self) -> None:
        for where, source, key, name in self.plan.reads():
            if not self.readable(source, key):
                self.errors.append(unknown_field(where, name))

    # -- FROM and WHERE ------------------------------------------------------------------------------
    def build_from(self) -> list[Col]:
        base = self.plan.base
        table = base.form.table
        self.tables[""] = table
        self.from_ = table
        where: list[Col] = [table.c.deleted_at.is_(None), table.c.draft.is_(False)]
        rows = self.access_of(base).rows
        if rows is not None:
            where.append(rows)
        if base.filter:
            where.append(self.filter(base, base.filter, "dataset.filter"))
        for alias, source in self.plan.sources.items():
            if alias:
                self.join(source)
        return where

    def join(self, source: Source) -> None:
        target = source.form.table.alias(f"j_{source.alias}")
        parent = self.tables[source.parent.alias if source.parent else ""]
        self.tables[source.alias] = target
        outer = not source.inner
        if source.kind == "link":
            on = target.c.id == parent.c[source.link]
        elif source.kind == "reverse":
            on = target.c[source.link] == parent.c.id
        else:  # links: through the parent's junction table
            assert source.parent is not None
            junction = source.parent.form.junctions[source.link or ""].alias(f"jj_{source.alias}")
            self.from_ = self.from_.join(junction, junction.c.record_id == parent.c.id, isouter=outer)
            on = target.c.id == junction.c.target_id
        conditions = [on, target.c.deleted_at.is_(None), target.c.draft.is_(False)]
        rows = self.access_of(source).rows
        if rows is not None:
            conditions.append(self.adapt(source, rows))
        if source.filter:
            conditions.append(self.filter(source, source.filter, f"{source.path}.filter"))
        self.from_ = self.from_.join(target, and_(*conditions), isouter=outer)

    def adapt(self, source: Source, clause: Col) -> Col:
        """A condition written against the form's table, moved onto this source's alias."""
        if not source.alias:
            return clause
        return sql_util.ClauseAdapter(self.tables[source.alias]).traverse(clause)

    def filter(self, source: Source, node: dict[str, Any], path: str) -> Col:
        env = ExprEnv(self.env.context, self.env.dialect, dict(self.env.forms))
        try:
            clause = compile_filter(source.form, node, self.access_of(source).readable, env)
        except QueryError as exc:
            self.errors.append(_query_problem(path, exc))
            return false()
        return self.adapt(source, clause)

    def where_conditions(self) -> list[Col]:
        out: list[Col] = []
        date_ref, date_range = self.plan.date_field, self.plan.definition.dataset.date_range
        if date_ref is not None and date_range is not None:
            if date_range.relative:
                start, end = relative_range(date_range.relative, self.env.context.today or date.today())
            else:
                start = date_range.start
                end = date_range.end + timedelta(days=1) if date_range.end else None
            out.append(self.date_between(date_ref, start, end))
        for index, (where, ref) in enumerate(self.plan.where):
            path = f"dataset.where.{index}"
            if where.transformed:
                value = self.transformed(ref, where)
                try:
                    out.append(value.is_(None) if where.value is None else value == _bind(where.value, ref, where))
                except (ValueError, TypeError):
                    self.errors.append(problem(f"{path}.value", "bad_value", f"'{where.value}' is not a value of "
                                               f"'{ref.path}' so grouped.", f"“{where.value}”不是“{ref.path}”分组后的取值。"))
                continue
            op = "has_any" if where.op == "in" and ref.kind in ("users", "depts", "links", "multi") else where.op
            try:
                clause = condition(ref.source.form, ref.key, op, where.value, self.access_of(ref.source).readable, path)
            except QueryError as exc:
                self.errors.append(_query_problem(path, exc, prefix=False))
                continue
            out.append(self.adapt(ref.source, clause))
        return out

    def date_between(self, ref: FieldRef, start: date | None, end: date | None) -> Col:
        column = self.column(ref)
        bounds: list[Col] = []
        for day, op in ((start, "__ge__"), (end, "__lt__")):
            if day is None:
                continue
            value: Any = day
            if ref.kind == "datetime":
                value = datetime.combine(day, time(), self.env.tz)
            bounds.append(getattr(column, op)(value))
        return and_(*bounds) if bounds else true()

    # -- columns and transforms ------------------------------------------------------------------------
    def column(self, ref: FieldRef) -> Col:
        table = self.tables[ref.source.alias]
        if ref.kind in ("users", "depts", "links"):
            return self.explode_junction(ref)
        if ref.kind == "multi":
            return self.explode_json(ref)
        return table.c[ref.column_name]

    def explode_junction(self, ref: FieldRef) -> Col:
        """Grouping by a to-many field counts a record once under each of its values."""
        found = self.exploded.get((ref.source.alias, ref.key))
        if found is None:
            junction = ref.source.form.junctions[ref.key].alias(f"x_{ref.source.alias}_{ref.key}")
            owner = self.tables[ref.source.alias]
            self.from_ = self.from_.join(junction, junction.c.record_id == owner.c.id, isouter=True)
            found = self.exploded[(ref.source.alias, ref.key)] = junction.c.target_id
        return found

    def explode_json(self, ref: FieldRef) -> Col:
        found = self.exploded.get((ref.source.alias, ref.key))
        if found is None:
            column = self.tables[ref.source.alias].c[ref.key]
            name = f"x_{ref.source.alias}_{ref.key}"
            if self.env.dialect == "postgresql":
                items = func.jsonb_array_elements_text(cast(column, JSONB)).table_valued("value").lateral(name)
            else:
                items = func.json_each(column).table_valued("value").alias(name)
            self.from_ = self.from_.join(items, true(), isouter=True)
            found = self.exploded[(ref.source.alias, ref.key)] = items.c.value
        return found

    def transformed(self, ref: FieldRef, how: Any) -> Col:
        """The field as a dimension shows it: bucketed, binned, a part of an address, a department
        rolled up the tree."""
        column = self.column(ref)
        if how.bucket is not None:
            return self.bucket(column, ref.kind, how.bucket)
        if how.bin is not None:
            width, origin = how.bin.width, how.bin.origin
            shifted = column - origin if origin else column
            if self.env.dialect == "sqlite":
                return func.floor(cast(shifted, REAL) / float(width)) * float(width) + float(origin)
            return func.floor(cast(shifted, Numeric) / width) * width + origin
        if how.part is not None:
            return column[how.part].as_string()
        if how.dept_level is not None:
            mapping = rollup(self.env.departments, how.dept_level)
            return case(mapping, value=column, else_=column) if mapping else column
        return column

    def local(self, column: Col) -> Col:
        """A stored UTC moment as wall-clock time in the platform's time zone."""
        if self.env.dialect == "postgresql":
            return func.timezone(str(self.env.tz), column)
        # SQLite has no time zone data: the offset now (exact for zones without summer time).
        offset = self.env.tz.utcoffset(datetime.now()) or timedelta()
        return func.datetime(column, const(f"'{int(offset.total_seconds() // 60):+d} minutes'"))

    def bucket(self, column: Col, kind: str, bucket: str) -> Col:
        moment = self.local(column) if kind == "datetime" else column
        if self.env.dialect == "postgresql":
            if bucket == "hour":
                return cast(extract("hour", moment), Integer)
            if bucket == "day_of_week":
                return cast(extract("isodow", moment), Integer)
            if bucket == "day":
                return cast(moment, Date)
            return cast(func.date_trunc(const(f"'{bucket}'"), cast(moment, TIMESTAMP)), Date)
        if bucket == "hour":
            return cast(func.strftime(const("'%H'"), moment), Integer)
        if bucket == "day_of_week":
            return (cast(func.strftime(const("'%w'"), moment), Integer) + 6) % 7 + 1
        if bucket == "day":
            return func.date(moment)
        if bucket == "week":
            return func.date(moment, const("'weekday 0'"), const("'-6 days'"))
        if bucket == "quarter":
            back = (cast(func.strftime(const("'%m'"), moment), Integer) - 1) % 3
            return func.date(moment, const("'start of month'"), func.printf(const("'-%d months'"), back))
        return func.date(moment, const(f"'start of {bucket}'"))

    # -- measures --------------------------------------------------------------------------------------
    def measure(self, planned: Any) -> Col | None:
        m = planned.definition
        if planned.formula is not None:
            try:
                return planned.formula.to_sql(_Measures(self), self.env.context, self.env.dialect)
            except expr.ExprError as exc:
                self.errors.append(problem(f"{planned.path}.formula", exc.code, exc.message("en"), exc.message("zh-CN")))
                return None
        if planned.ref is None:  # a count of records
            if m.of is not None:
                return func.count(distinct(self.tables[m.of].c.id))
            return func.count(distinct(self.tables[""].c.id)) if self.plan.fans_out else func.count()
        ref = planned.ref
        column = self.column(ref)
        if m.agg == "count":
            if self.repeated(ref.source):
                owner = self.tables[ref.source.alias].c.id
                return func.count(distinct(case((column.is_not(None), owner), else_=null())))
            return func.count(column)
        if m.agg == "count_distinct":
            return func.count(distinct(column))
        if m.agg in ("min", "max"):
            ordered = self.d.ordered(column) if ref.kind == "text" else column
            return (func.min if m.agg == "min" else func.max)(ordered)
        if m.agg == "median":
            return self.d.median(column)
        return (func.sum if m.agg == "sum" else func.avg)(column)

    def repeated(self, source: Source) -> bool:
        own = set(map(id, source.ancestors()))
        return any(s.fans_out and id(s) not in own for s in self.plan.sources.values())

    def order(self, columns: list[OutColumn], labels: dict[str, str], expressions: dict[str, Col]) -> list[Col]:
        sorts = self.plan.definition.sort or [_Sort(c.key) for c in columns if c.role == "dimension"]
        by_key = {c.key: c for c in columns}
        out = []
        for s in sorts:
            label: Col = literal_column(labels[s.key])
            choices = _choice_order(by_key.get(s.key))
            if choices:  # a pipeline's stages in the order the form lists them, not alphabetically
                # over the grouped expression itself: PostgreSQL orders by a bare output label only
                label = case({value: index for index, value in enumerate(choices)}, value=expressions[s.key],
                             else_=len(choices))
            out.append(label.desc().nulls_last() if s.descending else label.asc().nulls_first())
        return out


def _choice_order(column: OutColumn | None) -> list[str]:
    """The choices of an untransformed single-select dimension, in the form's order."""
    if column is None or column.role != "dimension" or column.bucket or column.ref is None or column.ref.spec is None:
        return []
    if column.ref.spec.type.type != "single_select":
        return []
    return [c.value for c in getattr(column.ref.spec.options, "choices", None) or []]


@dataclass(frozen=True)
class _Sort:
    key: str
    descending: bool = False


class _Rows:
    """Formula resolver over one source's columns, as they are inside the group."""

    def __init__(self, compiler: ReportCompiler, source: Source) -> None:
        self.compiler, self.source = compiler, source

    def column(self, key: str) -> Col:
        from engines.report.plan import field_ref

        ref = field_ref(self.source, key, key)
        assert ref is not None
        return self.compiler.column(ref)

    def related(self, key: str) -> expr.Related:
        return expr.Related(_Rows(self.compiler, self.compiler.plan.sources[key]), None, None)

    def values(self, key: str) -> Any:
        raise expr.NoSqlForm.of("no_sql", None, name=key, reason="lists are not available in report measures")


class _Measures:
    """Formula resolver of a calculated measure: earlier measures by key, the group's rows as `$rows`."""

    def __init__(self, compiler: ReportCompiler) -> None:
        self.compiler = compiler

    def column(self, key: str) -> Col:
        return self.compiler.measure_sql[key]

    def related(self, key: str) -> expr.Related:
        return expr.Related(_Rows(self.compiler, self.compiler.plan.base), None, None)

    def values(self, key: str) -> Any:
        raise expr.NoSqlForm.of("no_sql", None, name=key, reason="lists are not available in report measures")


def rollup(parents: Mapping[int, int | None], level: int) -> dict[int, int]:
    """Department id → its ancestor at `level` of the tree (1 = a root); shallower ones map to
    themselves, so they are omitted."""
    out: dict[int, int] = {}
    for dept in parents:
        chain, node, seen = [], dept, set()
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        chain.reverse()  # root first
        if len(chain) > level:
            out[dept] = chain[level - 1]
    return out


def _bind(value: Any, ref: FieldRef, how: Any) -> Any:
    """A clicked value, typed as the transformed column gives it."""
    if how.bucket in ("hour", "day_of_week") or how.dept_level is not None:
        return int(value)
    if how.bucket is not None:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return value


def _query_problem(path: str, exc: QueryError, prefix: bool = True) -> dict[str, Any]:
    where = path + exc.path.removeprefix("filter") if prefix else exc.path
    out = problem(where, exc.code, exc.message, exc.message)
    if exc.code == "unknown_field":
        name = exc.message.split("'")[1] if "'" in exc.message else ""
        out = unknown_field(where, name)
    if exc.position:
        out["position"] = exc.position
    return out


def compile_report(plan: Plan, access: Mapping[str, Access], env: Env, locale: str = "zh-CN") -> Compiled:
    """One SELECT for the report as this viewer may see it; raises ReportError (422 material)."""
    return ReportCompiler(plan, access, env, locale).compile()


def sql_text(compiled: Compiled, dialect: str) -> tuple[str, Sequence[Any]]:
    """The statement's text and parameters: what the result cache keys on."""
    sa_dialect = DIALECTS[dialect].sqlalchemy_dialect()
    done = compiled.statement.compile(dialect=sa_dialect)
    return done.string, tuple(sorted((k, repr(v)) for k, v in done.params.items()))
