"""A small CRM on real tables (both backends) for report engine tests: customers, their deals and
the deals' payments, with deterministic data the tests recompute independently with pandas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from engines import expr
from engines.expr.sql.sqlite_functions import install
from engines.form.compiled import CompileContext, CompiledForm, compile_form
from engines.form.definition import FormDef
from engines.report import Access, Env, ReportDef, compile_report, plan_report, post, render, to_frame
from tests.factories.forms import choices, field, make_form

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 15, 10, 30, tzinfo=TZ)
STAGES = ("lead", "qualified", "proposal", "won", "lost")
REGIONS = ("east", "north", "south")
PROVINCES = ("广东省", "北京市", "浙江省")
TAGS = ("vip", "new", "partner")
OWNERS = (11, 12, 13, 14)
DEPTS = {11: 101, 12: 101, 13: 102, 14: 103}  # owner → department
DEPARTMENTS = {100: None, 101: 100, 102: 100, 103: 102}  # id → parent

CUSTOMERS = make_form("customers", [
    field("name"), field("region", "single_select", options=choices(*REGIONS)), field("credit", "number"),
    field("address", "address", options={"level": "province", "detail": False}), field("secret", "text"),
])
DEALS = make_form("deals", [
    field("title"), field("amount", "money"), field("cost", "money"),
    field("stage", "single_select", options=choices(*STAGES)), field("signed_on", "date"),
    field("closed_at", "datetime"), field("customer", "link", options={"form": "customers"}),
    field("tags", "multi_select", options=choices(*TAGS)), field("helpers", "members"),
])
PAYMENTS = make_form("payments", [
    field("deal", "link", options={"form": "deals"}), field("paid", "money"), field("paid_on", "date"),
])
DEFINITIONS = {"customers": CUSTOMERS, "deals": DEALS, "payments": PAYMENTS}


def compile_all() -> dict[str, CompiledForm]:
    context = CompileContext("crm", {k: FormDef.model_validate(v) for k, v in DEFINITIONS.items()})
    return {k: compile_form("crm", v, context, version=1) for k, v in DEFINITIONS.items()}


def customer_rows() -> list[dict[str, Any]]:
    return [{"id": i, "name": f"Customer {i}", "region": REGIONS[i % 3], "credit": Decimal(i * 1000),
             "address": {"province": PROVINCES[i % 3], "code": "440000"}, "secret": f"s{i}",
             "owner_id": OWNERS[i % 4], "owner_dept_id": DEPTS[OWNERS[i % 4]]} for i in range(1, 7)]


def deal_rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(1, 61):
        owner = OWNERS[i % 4]
        rows.append({
            "id": i, "title": f"Deal {i}", "amount": Decimal((i * 37) % 500 + 100), "cost": Decimal(i % 50),
            "stage": STAGES[i % 5], "signed_on": date(2024, 1, 5) + timedelta(days=i * 9),
            "closed_at": datetime(2024, 3, 1, tzinfo=timezone.utc) + timedelta(hours=i * 31),
            "customer": (i % 6) + 1 if i % 10 else None, "tags": [TAGS[i % 3]] + ([TAGS[(i + 1) % 3]] if i % 4 == 0 else []),
            "owner_id": owner, "owner_dept_id": DEPTS[owner], "draft": i == 60,
        })
    return rows


def payment_rows() -> list[dict[str, Any]]:
    return [{"id": i, "deal": (i % 40) + 1, "paid": Decimal(i * 10), "paid_on": date(2024, 2, 1) + timedelta(days=i * 5),
             "owner_id": OWNERS[i % 4], "owner_dept_id": DEPTS[OWNERS[i % 4]]} for i in range(1, 81)]


HELPERS = {i: [OWNERS[(i + 1) % 4], OWNERS[(i + 2) % 4]] if i % 3 == 0 else [] for i in range(1, 61)}


@dataclass
class World:
    engine: AsyncEngine
    forms: dict[str, CompiledForm]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def env(self, user_id: int = 1) -> Env:
        context = expr.Context(now=NOW, tz=TZ, user=expr.UserInfo(id=user_id))
        return Env(self.dialect, context, self.forms, DEPARTMENTS)

    async def run(self, definition: dict[str, Any] | ReportDef, access: dict[str, Access] | None = None,
                  locale: str = "en") -> tuple[post.Frame, bool, dict[str, Any]]:
        report = definition if isinstance(definition, ReportDef) else ReportDef.model_validate(definition)
        plan = plan_report(report, self.forms)
        compiled = compile_report(plan, access or {k: Access() for k in self.forms}, self.env(), locale)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(compiled.statement)).all()
        frame, truncated = to_frame(rows, compiled, plan, locale)
        frame = post.apply(frame, report.post, locale)
        return frame, truncated, render(frame, report.chart)


def frames() -> dict[str, pd.DataFrame]:
    """The same data as plain pandas frames, for independent computations in tests."""
    deals = pd.DataFrame(deal_rows())
    return {"customers": pd.DataFrame(customer_rows()), "deals": deals[~deals["draft"]].reset_index(drop=True),
            "payments": pd.DataFrame(payment_rows())}


async def build(engine: AsyncEngine) -> World:
    forms = compile_all()
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", lambda dbapi, _record: install(dbapi))
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    stamp = {"created_at": now, "updated_at": now, "version": 1, "draft": False}
    async with engine.begin() as conn:
        for form in forms.values():
            await conn.run_sync(form.metadata.create_all)
        await conn.execute(insert(forms["customers"].table), [{**stamp, **r} for r in customer_rows()])
        await conn.execute(insert(forms["deals"].table), [{**stamp, **r} for r in deal_rows()])
        await conn.execute(insert(forms["payments"].table), [{**stamp, **r} for r in payment_rows()])
        junction = forms["deals"].junctions["helpers"]
        rows = [{"record_id": i, "target_id": u, "position": p} for i, users in HELPERS.items() for p, u in enumerate(users)]
        await conn.execute(insert(junction), rows)
    return World(engine, forms)
