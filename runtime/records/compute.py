"""Deriving computed values for records being written, and checking the form's rules.

Order per record: auto-number (on create), lookups, rollups, then formulas in dependency
order (compiled with the form); then visibility, required and validation rules see the final
values. Linked records that formulas read are fetched before evaluation, because the expression
engine is synchronous and never touches the database.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import Invalid
from engines import expr
from engines.form.compiled import CompiledForm
from engines.form.types import FieldSpec, StorageKind
from engines.form.types.computed import autonumber_format, autonumber_period
from runtime.context import Principal
from runtime.tables import autonumber_counters

PLATFORM_TZ = ZoneInfo("Asia/Shanghai")


def context_for(principal: Principal | None, now: datetime, links: dict | None = None) -> expr.Context:
    user = expr.UserInfo(
        id=principal.id if principal else None,
        name=principal.display_name if principal else None,
        dept=principal.department_ids[0] if principal and principal.department_ids else None,
        depts=tuple(principal.department_ids) if principal else (),
        roles=tuple(sorted(principal.roles)) if principal else (),
    )
    loader = (lambda path, value: links.get((path, _hashable(value)))) if links is not None else None
    return expr.Context(now=now.astimezone(PLATFORM_TZ), user=user, links=loader, tz=PLATFORM_TZ)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _for_expr(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(PLATFORM_TZ).replace(tzinfo=None)
    return value


for_expr = _for_expr  # the record values formulas see, for other modules (flows)


def _from_expr(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    storage = spec.storage
    if storage is StorageKind.DATETIME and isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=PLATFORM_TZ)
        return aware.astimezone(timezone.utc)
    if storage is StorageKind.DATE and isinstance(value, datetime):
        return value.date()
    if storage is StorageKind.DECIMAL:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return None
        number = Decimal(str(value))
        precision = getattr(spec.options, "precision", None)
        return number.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP) if precision is not None else number
    if storage is StorageKind.TEXT and not isinstance(value, str):
        return str(value)
    if storage is StorageKind.JSON and not isinstance(value, (list, dict)):
        return [value]
    return value


class Deriver:
    """Computes derived values for one form, reusing fetched linked rows across records."""

    def __init__(self, conn: AsyncConnection, form: CompiledForm, forms: dict[str, CompiledForm], form_id: int,
                 principal: Principal | None, now: datetime) -> None:
        self.conn, self.form, self.forms, self.form_id = conn, form, forms, form_id
        self.principal, self.now = principal, now
        self.computed = [s for s in form.specs.values() if s.type.computed and s.storage is not StorageKind.SYSTEM]
        self.formulas = form.formula_order

    @property
    def active(self) -> bool:
        return bool(self.computed) or any(s.extra.get("rules") or s.extra.get("visible_when") for s in self.form.specs.values())

    async def derive(self, values: dict[str, Any], refs: dict[str, list[int]], children: dict[str, list[dict]],
                     record_id: int | None, creating: bool) -> dict[str, Any]:
        """Returns the computed fields' new values (stored form); subform rows are completed in place."""
        out: dict[str, Any] = {}
        for key, rows in children.items():
            await self._derive_rows(self.form.specs[key], rows)
        for spec in self.computed:
            kind = spec.type.type
            if kind == "autonumber" and creating:
                out[spec.key] = await self._next_number(spec)
            elif kind == "lookup":
                out[spec.key] = await self._lookup(spec, values, refs)
            elif kind == "rollup":
                out[spec.key] = await self._rollup(spec, refs, children, record_id)
        record = {k: _for_expr(v) for k, v in {**values, **refs, **out}.items()}
        for key, rows in children.items():
            record[key] = [{k: _for_expr(v) for k, v in row.items()} for row in rows]
        links = await self._links(record)
        context = context_for(self.principal, self.now, links)
        for key in self.formulas:
            spec = self.form.specs[key]
            formula = spec.extra.get("formula")
            try:
                result = formula.evaluate(record, context) if formula else None
            except expr.ExprError:
                result = None
            out[key] = _from_expr(spec, result)
            record[key] = _for_expr(out[key])
        return out

    async def _derive_rows(self, spec: FieldSpec, rows: list[dict[str, Any]]) -> None:
        children = {c.key: c for c in spec.children}
        lookups = [c for c in children.values() if c.type.type == "lookup"]
        order = spec.extra.get("row_formulas") or []
        if not lookups and not order:
            return
        context = context_for(self.principal, self.now)
        for row in rows:
            for child in lookups:
                row[child.key] = await self._lookup(child, row, {}, children)
            record = {k: _for_expr(v) for k, v in row.items()}
            for key in order:
                child = children[key]
                try:
                    result = child.extra["formula"].evaluate(record, context)
                except expr.ExprError:
                    result = None
                row[key] = _from_expr(child, result)
                record[key] = _for_expr(row[key])

    async def check_rules(self, values: dict[str, Any], refs: dict, children: dict, partial_keys: set[str] | None,
                          draft: bool, prefix: str = "") -> None:
        """Visibility (a field hidden by its rule is not required), required and validation rules."""
        record = {k: _for_expr(v) for k, v in {**values, **refs}.items()}
        for key, rows in children.items():
            record[key] = [{k: _for_expr(v) for k, v in row.items()} for row in rows]
        context = context_for(self.principal, self.now, await self._links(record))
        errors = []
        for spec in self.form.specs.values():
            visible = spec.extra.get("visible_when")
            shown = True
            if visible is not None:
                try:
                    shown = bool(visible.evaluate(record, context))
                except expr.ExprError:
                    shown = True
            if spec.definition.required and not draft and shown and not spec.definition.hidden and not spec.type.computed:
                if visible is not None and spec.type.is_empty(record.get(spec.key)):
                    errors.append({"path": prefix + spec.key, "message": "This field is required.", "message_zh": "此项必填。",
                                   "code": "required"})
            if not shown or (partial_keys is not None and spec.key not in partial_keys and not spec.extra.get("rules")):
                continue
            for formula, message in spec.extra.get("rules") or []:
                try:
                    ok = formula.evaluate(record, context)
                except expr.ExprError:
                    ok = False
                if ok is False:
                    errors.append({"path": prefix + spec.key, "message": message.en or message.zh_CN,
                                   "message_zh": message.zh_CN or message.en, "code": "rule"})
        if errors:
            raise Invalid("Some values break the form's rules.", errors)

    async def defaults(self, data: dict[str, Any]) -> dict[str, Any]:
        """Fill fields the input leaves out: static values, formulas and data linkage."""
        filled = dict(data)
        context = context_for(self.principal, self.now)
        for spec in self.form.specs.values():
            default = spec.definition.default
            if default is None or spec.key in data or spec.type.computed:
                continue
            if default.value is not None:
                filled[spec.key] = default.value
            elif spec.extra.get("default_formula") is not None:
                try:
                    value = spec.extra["default_formula"].evaluate({k: _for_expr(v) for k, v in filled.items()}, context)
                except expr.ExprError:
                    value = None
                if value is not None:
                    filled[spec.key] = value.isoformat() if isinstance(value, (date, datetime)) else value
            elif default.linkage is not None:
                value = await self._linkage(default.linkage, filled)
                if value is not None:
                    filled[spec.key] = value
        return filled

    async def _linkage(self, linkage: Any, data: dict[str, Any]) -> Any:
        source = self.forms.get(linkage.form)
        if source is None or linkage.field not in source.specs:
            return None
        table = source.table
        conditions = [table.c.deleted_at.is_(None)]
        for match in linkage.match:
            wanted = data.get(match.equals)
            if wanted is None:
                return None
            if isinstance(wanted, dict):
                wanted = wanted.get("id")
            column = table.c.id if match.field == "id" else table.c[match.field]
            conditions.append(column == wanted)
        row = (await self.conn.execute(select(table.c[linkage.field]).prefix_with(source.tag).where(*conditions)
                                       .order_by(table.c.id).limit(1))).first()
        if row is None or row[0] is None:
            return None
        spec = source.specs[linkage.field]
        return spec.type.serialize(spec, spec.type.from_db(spec, row[0]))

    async def _next_number(self, spec: FieldSpec) -> str:
        """Gap-free: the counter moves in the record's own transaction and rolls back with it."""
        day = self.now.astimezone(PLATFORM_TZ).date()
        period = autonumber_period(spec.options.pattern, day)
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(autonumber_counters).values(form_id=self.form_id, field_key=spec.key, period=period, value=1)
        statement = statement.on_conflict_do_update(
            index_elements=["form_id", "field_key", "period"], set_={"value": autonumber_counters.c.value + 1}
        ).returning(autonumber_counters.c.value)
        counter = (await self.conn.execute(statement)).scalar_one()
        return autonumber_format(spec.options.pattern, day, counter)

    async def _lookup(self, spec: FieldSpec, values: dict[str, Any], refs: dict[str, list[int]],
                      specs: dict[str, FieldSpec] | None = None) -> Any:
        target_form = self.forms.get(spec.extra.get("target_form", ""))
        target: FieldSpec | None = spec.extra.get("target_spec")
        if target_form is None or target is None:
            return None
        link = (specs or self.form.specs)[spec.extra["source"]]
        ids = refs.get(link.key) if link.storage is StorageKind.REFS else ([values.get(link.key)] if values.get(link.key) else [])
        if not ids:
            return None
        table = target_form.table
        rows = dict((await self.conn.execute(
            select(table.c.id, table.c[target.key]).prefix_with(target_form.tag)
            .where(table.c.id.in_(ids), table.c.deleted_at.is_(None))
        )).all())
        found = [target.type.from_db(target, rows[i]) for i in ids if i in rows]
        if link.storage is StorageKind.REF:
            return found[0] if found else None
        return [target.type.serialize(target, v) for v in found if v is not None] or None

    async def _rollup(self, spec: FieldSpec, refs: dict[str, list[int]], children: dict[str, list[dict]],
                      record_id: int | None) -> Any:
        options = spec.options
        kind = spec.extra.get("source_kind")
        function = options.function
        if kind == "children":
            rows = children.get(options.source, [])
            values = [r.get(options.field) for r in rows] if options.field else [1] * len(rows)
            return self._aggregate(spec, function, values)
        if kind == "links":
            target_form = self.forms.get(self.form.specs[options.source].options.form)
            ids = refs.get(options.source) or []
            if target_form is None or not ids:
                return self._aggregate(spec, function, [])
            table = target_form.table
            where = [table.c.id.in_(ids), table.c.deleted_at.is_(None)]
        else:
            target_form = self.forms.get(options.source.form)
            if target_form is None or record_id is None:
                return self._aggregate(spec, function, [])
            table = target_form.table
            where = [table.c[options.source.via] == record_id, table.c.deleted_at.is_(None)]
        column = table.c[options.field] if options.field else table.c.id
        aggregate = {"count": func.count(column), "sum": func.sum(column), "avg": func.avg(column),
                     "min": func.min(column), "max": func.max(column)}[function]
        value = (await self.conn.execute(select(aggregate).prefix_with(target_form.tag).where(*where))).scalar()
        return self._aggregate(spec, function, None, value)

    def _aggregate(self, spec: FieldSpec, function: str, values: list[Any] | None, computed: Any = None) -> Any:
        if values is not None:
            present = [v for v in values if v is not None]
            if function == "count":
                computed = len(present)
            elif not present:
                computed = Decimal(0) if function == "sum" else None
            else:
                computed = {"sum": lambda: sum(present, Decimal(0)), "avg": lambda: sum(present, Decimal(0)) / len(present),
                            "min": lambda: min(present), "max": lambda: max(present)}[function]()
        if function in ("count", "sum") and computed is None:
            computed = 0
        if spec.storage is StorageKind.DECIMAL and computed is not None:
            return Decimal(str(computed)).quantize(Decimal(1).scaleb(-spec.options.precision), ROUND_HALF_UP)
        if spec.storage is StorageKind.DATE and isinstance(computed, str):
            return date.fromisoformat(computed[:10])
        return computed

    async def _links(self, record: dict[str, Any]) -> dict:
        """Linked records that formulas and rules read (one level: `customer.industry`)."""
        out: dict = {}
        for spec in self.form.specs.values():
            if spec.type.type not in ("link", "links") or spec.key not in self.form.read_links:
                continue
            target = self.forms.get(spec.options.form)
            value = record.get(spec.key)
            if target is None or value in (None, []):
                continue
            ids = value if isinstance(value, list) else [value]
            rows = (await self.conn.execute(
                select(target.table).prefix_with(target.tag).where(target.table.c.id.in_(ids), target.table.c.deleted_at.is_(None))
            )).mappings().all()
            loaded = {r["id"]: {k: _for_expr(target.specs[k].type.from_db(target.specs[k], r[k]))
                                for k in target.specs if k in r} for r in rows}
            if isinstance(value, list):
                out[((spec.key,), tuple(value))] = [loaded[i] for i in ids if i in loaded]
            else:
                out[((spec.key,), value)] = loaded.get(value)
        return out
