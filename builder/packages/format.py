"""The app package: one app's definitions in one file, and the template catalogue's format.

A package is a set of JSON files — zipped for export and upload, a plain folder in
`templates_catalog/<name>/` — laid out as:

    manifest.json           format, format version, platform version, the app (key, name, icon, colour, menu)
    forms/<key>.json        a form definition (schemas/form.schema.json)
    flows/<key>.json        a flow definition (schemas/flow.schema.json)
    reports/<id>.json       {id, name, description, definition (schemas/report.schema.json)}
    dashboards/<id>.json    {id, name, description, definition (schemas/dashboard.schema.json), share, is_home}
    roles.json              [{key, name, description, is_admin, external, permissions: {form: group}}]

Report and dashboard ids are the package's own: a dashboard widget's `report_id` and a menu item
`{type: dashboard, key: "<id>"}` name them, and installing maps them to the new rows' ids. Users and
departments are never part of a package (they differ between installations); role members neither.

Reading never touches the disk beyond the zip's bytes, refuses any other name (so no path tricks),
and bounds the entry count and unpacked size (so no zip bombs). Every problem names its file and
the path inside it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import Invalid
from engines.flow.definition import FlowDef
from engines.form.compiled import CompileContext, DefinitionError, compile_form
from engines.form.definition import FormDef
from engines.report.definition import DashboardDef, ReportDef, Share
from runtime.permissions.model import PermissionGroupIn

FORMAT = "qiqiao.app"
FORMAT_VERSION = 1
MAX_ENTRIES = 2000
MAX_UNPACKED = 100 * 1024 * 1024
NAME = re.compile(r"^(manifest\.json|roles\.json|(forms|flows)/[a-z][a-z0-9_]{0,47}\.json|(reports|dashboards)/[0-9]{1,9}\.json)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppInfo(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    icon: str = Field("appstore", pattern=r"^[a-z0-9-]{1,64}$")
    color: str = Field("#1677ff", pattern=r"^#[0-9a-fA-F]{6}$")
    menu: list[dict[str, Any]] = Field(default_factory=list, max_length=200)


class Manifest(Strict):
    format: str = Field(pattern=f"^{re.escape(FORMAT)}$")
    format_version: int = Field(ge=1)
    platform_version: str = Field("", max_length=40)
    exported_at: str | None = None
    app: AppInfo
    label: dict[str, str] | None = Field(None, description="a template's name in the gallery, per language")
    description: dict[str, str] | None = None


class ReportEntry(Strict):
    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    definition: ReportDef


class DashboardEntry(Strict):
    id: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    definition: DashboardDef
    share: Share = Field(default_factory=Share)
    is_home: bool = False


class RoleEntry(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    is_admin: bool = False
    external: bool = False
    permissions: dict[str, PermissionGroupIn] = Field(default_factory=dict)


@dataclass
class Package:
    manifest: Manifest
    forms: dict[str, FormDef] = field(default_factory=dict)
    flows: dict[str, FlowDef] = field(default_factory=dict)
    reports: list[ReportEntry] = field(default_factory=list)
    dashboards: list[DashboardEntry] = field(default_factory=list)
    roles: list[RoleEntry] = field(default_factory=list)


def _invalid(errors: list[dict[str, Any]]) -> Invalid:
    return Invalid("The package is not valid.", errors[:200], code="invalid_package", detail_zh="应用包无效。")


def _problem(path: str, en: str, zh: str, code: str = "invalid_package") -> dict[str, Any]:
    return {"path": path, "message": en, "message_zh": zh, "code": code}


def _model(model: type[BaseModel], data: Any, path: str, errors: list[dict[str, Any]]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            errors.append(_problem(f"{path}:{where}" if where else path, e["msg"], e["msg"], "invalid_definition"))
        return None


def parse(files: Mapping[str, bytes]) -> Package:
    """A package from its files (name → content); Invalid listing every problem."""
    errors: list[dict[str, Any]] = []
    documents: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        if not NAME.match(name):
            errors.append(_problem(name, "Not a file an app package holds.", "应用包中不应有此文件。"))
            continue
        try:
            documents[name] = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            errors.append(_problem(name, f"Not valid UTF-8 JSON: {exc}", "不是有效的 UTF-8 JSON。"))
    if "manifest.json" not in documents:
        if not any(e["path"] == "manifest.json" for e in errors):
            errors.append(_problem("manifest.json", "The package has no manifest.json.", "应用包缺少 manifest.json。"))
        raise _invalid(errors)
    raw = documents["manifest.json"]
    if isinstance(raw, dict) and isinstance(raw.get("format_version"), int) and raw["format_version"] > FORMAT_VERSION:
        raise _invalid([_problem("manifest.json:format_version",
                                 f"Made by a newer Qiqiao (package format {raw['format_version']}; this one reads up to "
                                 f"{FORMAT_VERSION}): upgrade this installation first.",
                                 f"该应用包由更新版本的七巧导出（格式版本 {raw['format_version']}，本系统最高支持 {FORMAT_VERSION}），"
                                 "请先升级本系统。", "newer_format")])
    manifest = _model(Manifest, raw, "manifest.json", errors)
    package = Package(manifest)
    for name, data in documents.items():
        stem = name.rsplit("/", 1)[-1].removesuffix(".json")
        if name.startswith("forms/"):
            form = _model(FormDef, data, name, errors)
            if form is not None and form.key != stem:
                errors.append(_problem(f"{name}:key", f"The form's key '{form.key}' differs from its file name.",
                                       f"表单标识“{form.key}”与文件名不一致。"))
            elif form is not None:
                package.forms[form.key] = form
        elif name.startswith("flows/"):
            flow = _model(FlowDef, data, name, errors)
            if flow is not None and flow.key != stem:
                errors.append(_problem(f"{name}:key", f"The flow's key '{flow.key}' differs from its file name.",
                                       f"流程标识“{flow.key}”与文件名不一致。"))
            elif flow is not None:
                package.flows[flow.key] = flow
        elif name.startswith(("reports/", "dashboards/")):
            entry = _model(ReportEntry if name.startswith("reports/") else DashboardEntry, data, name, errors)
            if entry is not None and str(entry.id) != stem:
                errors.append(_problem(f"{name}:id", f"The id {entry.id} differs from the file name.", f"编号 {entry.id} 与文件名不一致。"))
            elif entry is not None:
                (package.reports if name.startswith("reports/") else package.dashboards).append(entry)
        elif name == "roles.json":
            if not isinstance(data, list):
                errors.append(_problem(name, "roles.json holds a list of roles.", "roles.json 应为角色列表。"))
            else:
                for index, item in enumerate(data):
                    role = _model(RoleEntry, item, f"{name}:{index}", errors)
                    if role is not None:
                        package.roles.append(role)
    package.reports.sort(key=lambda e: e.id)
    package.dashboards.sort(key=lambda e: e.id)
    errors += _references(package)
    if errors:
        raise _invalid(errors)
    return package


def _references(package: Package) -> list[dict[str, Any]]:
    """What must hold between the files: widgets name packaged reports, flows and permissions name
    packaged forms, the menu names packaged forms and dashboards, role keys are unique."""
    errors = []
    context = CompileContext(package.manifest.app.key, package.forms)
    for key, form in package.forms.items():
        try:
            compile_form(package.manifest.app.key, form, context)
        except DefinitionError as exc:
            errors += [{**e, "path": f"forms/{key}.json:{e['path']}", "message_zh": e.get("message_zh") or e["message"],
                        "code": e.get("code", "invalid_definition")} for e in exc.errors]
    reports = {e.id for e in package.reports}
    for board in package.dashboards:
        for index, widget in enumerate(board.definition.widgets):
            if widget.report_id is not None and widget.report_id not in reports:
                errors.append(_problem(f"dashboards/{board.id}.json:definition.widgets.{index}.report_id",
                                       f"No report {widget.report_id} in the package.", f"应用包中没有报表 {widget.report_id}。"))
    for key, flow in package.flows.items():
        if flow.form is not None and flow.form not in package.forms:
            errors.append(_problem(f"flows/{key}.json:form", f"No form '{flow.form}' in the package.",
                                   f"应用包中没有表单“{flow.form}”。"))
    seen: set[str] = set()
    for index, role in enumerate(package.roles):
        if role.key in seen:
            errors.append(_problem(f"roles.json:{index}.key", f"The role '{role.key}' appears twice.", f"角色“{role.key}”重复。"))
        seen.add(role.key)
        for form_key in role.permissions:
            if form_key not in package.forms:
                errors.append(_problem(f"roles.json:{index}.permissions.{form_key}", f"No form '{form_key}' in the package.",
                                       f"应用包中没有表单“{form_key}”。"))
    boards = {str(e.id) for e in package.dashboards}

    def walk(items: list[dict[str, Any]], path: str) -> None:
        for index, item in enumerate(items):
            kind, key = item.get("type"), str(item.get("key") or "")
            if (kind == "form" and key not in package.forms) or (kind == "dashboard" and key not in boards):
                errors.append(_problem(f"{path}.{index}.key", f"The menu names a {kind} '{key}' the package lacks.",
                                       f"菜单引用了应用包中没有的{'表单' if kind == 'form' else '仪表盘'}“{key}”。"))
            walk(item.get("children") or [], f"{path}.{index}.children")

    walk(package.manifest.app.menu, "manifest.json:app.menu")
    return errors


def read_zip(content: bytes) -> Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _invalid([_problem("file", "Not an app package (.zip).", "不是应用包（.zip）。")]) from None
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_ENTRIES or sum(i.file_size for i in entries) > MAX_UNPACKED:
        raise _invalid([_problem("file", "The package is too large once unpacked.", "应用包解压后过大。")])
    files = {}
    for info in entries:
        with archive.open(info) as member:
            data = member.read(MAX_UNPACKED + 1)  # a lying header cannot make us read more
        if len(data) > info.file_size:
            raise _invalid([_problem(info.filename, "The entry is larger than it says.", "条目大小与声明不符。")])
        files[info.filename] = data
    return parse(files)


def read_dir(folder: Path) -> Package:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.json")) if p.is_file()}
    return parse(files)


def files_of(package: Package) -> dict[str, bytes]:
    def dump(data: Any) -> bytes:
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8") + b"\n"

    out = {"manifest.json": dump(package.manifest.model_dump(mode="json", exclude_none=True))}
    for key, form in package.forms.items():
        out[f"forms/{key}.json"] = dump(form.model_dump(mode="json", by_alias=True, exclude_none=True))
    for key, flow in package.flows.items():
        out[f"flows/{key}.json"] = dump(flow.model_dump(mode="json", by_alias=True, exclude_none=True))
    for report in package.reports:
        out[f"reports/{report.id}.json"] = dump(report.model_dump(mode="json", by_alias=True, exclude_none=True))
    for board in package.dashboards:
        out[f"dashboards/{board.id}.json"] = dump(board.model_dump(mode="json", by_alias=True, exclude_none=True))
    if package.roles:
        out["roles.json"] = dump([r.model_dump(mode="json", exclude_none=True) for r in package.roles])
    return out


def write_zip(package: Package) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files_of(package).items():
            archive.writestr(name, content)
    return buffer.getvalue()
