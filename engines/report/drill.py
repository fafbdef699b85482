"""Drill-down: a click on a bar, slice or row names the values of the report's dimensions there.

With levels left in `drill`, the answer is the next report — the clicked values become
conditions of its dataset and the first dimension gives way to the next level (year → quarter →
month; region → rep). Otherwise it is a filter for the records list of the base form, which the
pages open as they open any list; a clicked value that list cannot express (a dimension through
a to-many join) is named in `unapplied` rather than silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, Mapping

from engines.report.dates import bucket_start, relative_range, step
from engines.report.definition import ReportDef, Where
from engines.report.plan import FieldRef, Plan, ReportError, problem

DATE_BUCKETS = ("day", "week", "month", "quarter", "year")
FANNED = {"users": "has_any", "depts": "has_any", "links": "has_any", "multi": "has_any"}


@dataclass
class DrillAnswer:
    kind: str  # report | records
    definition: ReportDef | None = None
    form: str | None = None
    filter: dict[str, Any] | None = None
    unapplied: list[str] = field(default_factory=list)


def clicked_conditions(plan: Plan, clicked: Mapping[str, Any]) -> list[Where]:
    dims = {d.out: (d, ref) for d, ref in plan.dimensions}
    errors = [problem(f"values.{k}", "unknown_key", f"'{k}' is not a dimension of this report.", f"“{k}”不是本报表的维度。")
              for k in clicked if k not in dims]
    if errors:
        raise ReportError(errors)
    out = []
    for key, value in clicked.items():
        dim, ref = dims[key]
        if any(x is not None for x in (dim.bucket, dim.bin, dim.part, dim.dept_level)):
            out.append(Where(field=dim.field, value=value, bucket=dim.bucket, bin=dim.bin, part=dim.part,
                             dept_level=dim.dept_level))
        elif value is None:
            out.append(Where(field=dim.field, op="empty"))
        else:
            op = FANNED.get(ref.kind, "eq")
            out.append(Where(field=dim.field, op=op, value=[value] if op == "has_any" else value))
    return out


def drill(plan: Plan, clicked: Mapping[str, Any], today: date, tz: tzinfo,
          departments: Mapping[int, int | None] | None = None) -> DrillAnswer:
    definition = plan.definition
    conditions = clicked_conditions(plan, clicked)
    first = definition.dimensions[0].out if definition.dimensions else None
    if definition.drill and first in clicked:
        dataset = definition.dataset.model_copy(update={"where": [*definition.dataset.where, *conditions]})
        nxt = definition.model_copy(update={
            "dataset": dataset, "dimensions": [definition.drill[0], *definition.dimensions[1:]], "drill": definition.drill[1:],
        })
        return DrillAnswer("report", definition=ReportDef.model_validate(nxt.model_dump(mode="json")))
    parts: list[dict[str, Any]] = []
    if definition.dataset.filter:
        parts.append(definition.dataset.filter)
    unapplied: list[str] = []
    resolver = _Records(plan, tz, departments or {})
    if plan.date_field is not None and definition.dataset.date_range is not None:
        r = definition.dataset.date_range
        start, end = relative_range(r.relative, today) if r.relative else (r.start, r.end + timedelta(days=1) if r.end else None)
        found = resolver.between(plan.date_field, start, end)
        parts += found if found is not None else []
        if found is None:
            unapplied.append(r.field)
    refs = {w.field: ref for w, ref in plan.where}
    for where in [*definition.dataset.where, *conditions]:
        ref = refs.get(where.field) or _ref_of(plan, where.field)
        try:
            found = resolver.condition(where, ref) if ref is not None else None
        except (ValueError, TypeError, ArithmeticError):
            raise ReportError([problem("values", "bad_value", f"'{where.value}' is not a value of '{where.field}'.",
                                       f"“{where.value}”不是“{where.field}”的取值。")]) from None
        if found is None:
            unapplied.append(where.field)
        else:
            parts += found
    return DrillAnswer("records", form=plan.base.form.key, filter={"and": parts}, unapplied=unapplied)


def _ref_of(plan: Plan, path: str) -> FieldRef | None:
    for _, ref in [*plan.dimensions, *plan.where]:
        if ref.path == path:
            return ref
    return None


class _Records:
    """Conditions of the records list (structured where it can, expressions through links)."""

    def __init__(self, plan: Plan, tz: tzinfo, departments: Mapping[int, int | None]) -> None:
        self.plan, self.tz, self.departments = plan, tz, departments

    def reachable(self, ref: FieldRef) -> str | None:
        """How the records list names the field: `key` on the base form, `link.key` through a
        link to one record; None through a to-many join."""
        source = ref.source
        if not source.alias:
            return ref.key
        if source.kind == "link" and source.parent is not None and not source.parent.alias:
            return f"{source.link}.{ref.key}"
        return None

    def between(self, ref: FieldRef, start: date | None, end: date | None) -> list[dict[str, Any]] | None:
        name = self.reachable(ref)
        if name is None or "." in name:
            return None
        out = []
        if ref.kind == "date":
            if start is not None:
                out.append({"field": name, "op": "gte", "value": start.isoformat()})
            if end is not None:
                out.append({"field": name, "op": "lt", "value": end.isoformat()})
            return out
        for day, op in ((start, "gte"), (end, "lt")):
            if day is not None:
                out.append({"field": name, "op": op, "value": datetime.combine(day, time(), self.tz).isoformat()})
        return out

    def condition(self, where: Where, ref: FieldRef) -> list[dict[str, Any]] | None:
        name = self.reachable(ref)
        if name is None:
            return None
        if "." in name:  # through a link: an expression
            if where.transformed or where.op not in ("eq", "empty"):
                return None
            if where.op == "empty":
                return [{"expr": f"ISBLANK({name})"}]
            literal = _literal(where.value)
            return [{"expr": f"{name} = {literal}"}] if literal is not None else None
        if where.bucket in DATE_BUCKETS:
            start = bucket_start(date.fromisoformat(str(where.value)[:10]), where.bucket)
            return self.between(ref, start, start + step(where.bucket))
        if where.bucket == "hour":
            return [{"expr": f"HOUR({name}) = {int(where.value)}"}]
        if where.bucket == "day_of_week":
            return [{"expr": f"WEEKDAY({name}, 2) = {int(where.value)}"}]
        if where.bin is not None:
            low = Decimal(str(where.value))
            return [{"field": name, "op": "gte", "value": str(low)},
                    {"field": name, "op": "lt", "value": str(low + where.bin.width)}]
        if where.part is not None:
            return [{"field": name, "op": "within", "value": where.value}]
        if where.dept_level is not None:
            return [{"field": name, "op": "in", "value": below(self.departments, int(where.value))}]
        return [{"field": name, "op": where.op, "value": where.value}] if where.op != "empty" else \
            [{"field": name, "op": "empty"}]


def below(parents: Mapping[int, int | None], root: int) -> list[int]:
    """A department and every department under it."""
    children: dict[int, list[int]] = {}
    for dept, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(dept)
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out.append(node)
        stack.extend(children.get(node, []))
    return out


def _literal(value: Any) -> str | None:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return None
