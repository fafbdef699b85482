"""The template gallery: each folder of the catalogue (`templates_catalog/<name>/`, QIQIAO_TEMPLATES_DIR)
is an app package kept unzipped, optionally with `demo.py`, the template's demo-data maker.

A demo maker is the template's own code shipped with the platform (never uploaded): a module with
`async def make(demo)` that fills the freshly installed app through `demo` (records written through
the records service, so every rule of the forms applies)."""

from __future__ import annotations

import importlib.util
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from builder.packages import format, service
from core.clock import Clock
from core.errors import Invalid, NotFound
from core.settings import Settings
from runtime.context import Actor
from runtime.records import service as records

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")


def _folder(settings: Settings, name: str) -> Path:
    folder = settings.templates_dir / name
    if not NAME.match(name) or not (folder / "manifest.json").is_file():
        raise NotFound("template")
    return folder


def listed(settings: Settings) -> list[dict[str, Any]]:
    out = []
    root = settings.templates_dir
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        manifest = folder / "manifest.json"
        if not NAME.match(folder.name) or not manifest.is_file():
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        app = data.get("app", {})
        out.append({"name": folder.name, "label": data.get("label") or {"zh-CN": app.get("name"), "en": app.get("name")},
                    "description": data.get("description") or {}, "app": {k: app.get(k) for k in ("key", "name", "icon", "color")},
                    "demo": (folder / "demo.py").is_file()})
    return out


def package(settings: Settings, name: str) -> format.Package:
    return format.read_dir(_folder(settings, name))


@dataclass
class Demo:
    """What a demo maker may use: write records of the new app as the installing user."""

    conn: AsyncConnection
    clock: Clock
    actor: Actor
    app_key: str
    random: random.Random = field(default_factory=lambda: random.Random(20261123))

    async def create(self, form_key: str, values: dict[str, Any]) -> dict[str, Any]:
        target = await records.open_form(self.conn, self.clock, self.actor, self.app_key, form_key, "create")
        return await records.create(target, values)


async def install(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, name: str, key: str | None,
                  app_name: str | None, demo: bool) -> dict[str, Any]:
    folder = _folder(settings, name)
    pkg = format.read_dir(folder)
    maker = folder / "demo.py"
    if demo and not maker.is_file():
        raise Invalid("This template has no demo data.", [{"path": "demo", "message": "No demo data.",
                                                           "message_zh": "此模板没有演示数据。"}], detail_zh="此模板没有演示数据。")
    result = await service.install(conn, clock, settings, actor, pkg, key or await service.free_key(conn, pkg.manifest.app.key),
                                   app_name)
    if demo:
        spec = importlib.util.spec_from_file_location(f"qiqiao_template_{name.replace('-', '_')}_demo", maker)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        await module.make(Demo(conn, clock, actor, result["app"]["key"]))
    return result
