"""Downloads for readers of records: a file may be fetched by whoever may read a record that names
it in a field they may read. Registered with the file store at start-up (it knows no records)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import SystemClock
from core.errors import Forbidden, NotFound
from engines.form.types import StorageKind
from engines.form.types.files import AttachmentField
from runtime.context import Actor, Principal
from runtime.files import repository as files_repo
from runtime.forms.loader import LoadedForm, compiled_version
from runtime.records.service import authorized
from runtime.tables import apps, forms


def _names(column: Any, key: str) -> Any:
    # File keys are random and URL-safe; `_` is a LIKE wildcard, so escape it.
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(column, Text).like(f'%"{escaped}"%', escape="\\")


async def reader_of_record(conn: AsyncConnection, principal: Principal, file_row: dict[str, Any]) -> bool:
    for form_id in await files_repo.referring_forms(conn, file_row["id"]):
        form_row = (await conn.execute(select(forms).where(forms.c.id == form_id))).mappings().first()
        if form_row is None or form_row["published_version"] is None:
            continue
        app = (await conn.execute(select(apps).where(apps.c.id == form_row["app_id"], apps.c.deleted_at.is_(None)))
               ).mappings().first()
        if app is None:
            continue
        compiled = await compiled_version(conn, dict(app), dict(form_row), form_row["published_version"])
        try:
            t = await authorized(conn, SystemClock(), Actor(principal), LoadedForm(dict(app), dict(form_row), compiled), "view")
        except (NotFound, Forbidden):
            continue
        table, readable = compiled.table, t.scope.readable
        names = []
        for spec in compiled.specs.values():
            if readable is not None and spec.key not in readable:
                continue
            if isinstance(spec.type, AttachmentField):
                names.append(_names(table.c[spec.key], file_row["key"]))
            elif spec.storage is StorageKind.CHILD:
                child = compiled.children[spec.key]
                inner = [_names(child.table.c[c.key], file_row["key"]) for c in spec.children
                         if isinstance(c.type, AttachmentField)]
                if inner:
                    names.append(table.c.id.in_(select(child.table.c.parent_id).where(or_(*inner))))
        if not names:
            continue
        query = select(table.c.id).where(table.c.deleted_at.is_(None), or_(*names)).limit(1)
        rows = t.scope.rows("view")
        if rows is not None:
            query = query.where(rows)
        if (await conn.execute(query)).first() is not None:
            return True
    return False
