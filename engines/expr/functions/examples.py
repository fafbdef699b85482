"""The sample record every catalogue example is written against, so that each example is also a
test: evaluated in Python and in SQL, it must give the result the catalogue shows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from engines.expr import types as t
from engines.expr.context import Context, UserInfo
from engines.expr.values import to_text

EXAMPLE_SCHEMA = t.Schema(
    {
        "amount": "number",
        "qty": "number",
        "price": "number",
        "discount": "number",
        "company": "text",
        "contact": "text",
        "email": "text",
        "status": "text",
        "signed_on": "date",
        "due_on": "date",
        "created": "datetime",
        "vip": "bool",
        "owner": "user",
        "dept": "dept",
        "tags": "list<text>",
        "customer": t.record({"name": "text", "industry": "text", "region": "text"}),
        "items": t.records({"product": "text", "qty": "number", "price": "number", "subtotal": "number"}),
    }
)

EXAMPLE_RECORD: dict[str, Any] = {
    "id": 1,
    "amount": Decimal("1200.5"),
    "qty": Decimal(3),
    "price": Decimal("19.99"),
    "discount": None,
    "company": "Acme Ltd",
    "contact": "Li Lei",
    "email": "li.lei@acme.cn",
    "status": "open",
    "signed_on": date(2024, 1, 31),
    "due_on": date(2024, 3, 15),
    "created": datetime(2024, 2, 10, 9, 30),
    "vip": True,
    "owner": 7,
    "dept": 3,
    "tags": ["vip", "north"],
    "customer": {"name": "Acme Ltd", "industry": "retail", "region": "East"},
    "items": [
        {"product": "Pen", "qty": Decimal(2), "price": Decimal("3.5"), "subtotal": Decimal(7)},
        {"product": "Ink", "qty": Decimal(1), "price": Decimal(12), "subtotal": Decimal(12)},
        {"product": "Pad", "qty": Decimal(5), "price": Decimal(2), "subtotal": Decimal(10)},
    ],
}


class ExampleDirectory:
    """HQ (1) ⊃ Sales (3) ⊃ {East Sales (5), West Sales (6)}; Li Lei (7) heads East Sales."""

    users = {7: "Li Lei", 8: "Han Meimei"}
    depts = {1: "HQ", 3: "Sales", 5: "East Sales", 6: "West Sales"}
    heads = {1: 8, 3: 8, 5: 7}
    children = {1: [3], 3: [5, 6]}

    def user_name(self, user_id: Any) -> str | None:
        return self.users.get(user_id)

    def dept_name(self, dept_id: Any) -> str | None:
        return self.depts.get(dept_id)

    def dept_head(self, dept_id: Any) -> Any | None:
        return self.heads.get(dept_id)

    def subdepartments(self, dept_id: Any) -> Sequence[Any]:
        if dept_id not in self.depts:
            return []
        out, stack = [], [dept_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self.children.get(current, []))
        return sorted(out)


EXAMPLE_CONTEXT = Context(
    now=datetime(2024, 6, 15, 10, 0),
    user=UserInfo(id=7, name="Li Lei", dept=3, depts=(3, 5), roles=("sales", "manager")),
    directory=ExampleDirectory(),
)


def show(value: Any) -> str:
    """An example's result as the formula editor prints it."""
    if value is None:
        return "(blank)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, datetime):
        return to_text(value, t.Kind.DATETIME) or ""
    if isinstance(value, date):
        return to_text(value, t.Kind.DATE) or ""
    if isinstance(value, (Decimal, int)):
        return to_text(Decimal(value), t.Kind.NUMBER) or ""
    return str(value)
