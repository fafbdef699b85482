"""The browser's field-type registry (frontend/src/registries/fields/*.tsx) covers exactly the
server's FIELD_TYPES: a type the server accepts but the client cannot render would show as
plain text in every form, and a client type the server does not know is dead code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from engines.form.types import FIELD_TYPES

FIELDS_DIR = Path(__file__).resolve().parents[2] / "frontend" / "src" / "registries" / "fields"
# `registerFieldType({ type: "money", ... })`, across lines, with ' or " quotes.
REGISTRATION = re.compile(r"registerFieldType\(\s*\{\s*type:\s*(['\"])([a-z][a-z0-9_]*)\1")
COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def client_types() -> list[str]:
    found: list[str] = []
    for path in sorted(FIELDS_DIR.glob("*.tsx")):
        if path.name.endswith(".test.tsx"):
            continue
        source = COMMENTS.sub("", path.read_text(encoding="utf-8"))
        found += [m.group(2) for m in REGISTRATION.finditer(source)]
    return found


def server_types() -> set[str]:
    return {t.catalogue_entry()["type"] for t in FIELD_TYPES}


def test_every_server_field_type_has_a_client_ui():
    missing = server_types() - set(client_types())
    assert not missing, f"no client UI registered for: {sorted(missing)}"


def test_the_client_registers_no_type_the_server_lacks():
    extra = set(client_types()) - server_types()
    assert not extra, f"client UI for types the server does not have: {sorted(extra)}"


def test_each_type_is_registered_once():
    twice = [t for t, n in Counter(client_types()).items() if n > 1]
    assert not twice, f"registered more than once: {twice}"


def test_all_module_imports_every_registering_module():
    """registries/fields/all.ts imports each module that registers a type (else it never runs)."""
    all_ts = (FIELDS_DIR / "all.ts").read_text(encoding="utf-8")
    imported = set(re.findall(r"""import\s+['"]\./([A-Za-z0-9_-]+)['"]""", all_ts))
    registering = {p.stem for p in FIELDS_DIR.glob("*.tsx") if REGISTRATION.search(COMMENTS.sub("", p.read_text(encoding="utf-8")))}
    assert registering <= imported, f"not imported by all.ts: {sorted(registering - imported)}"
