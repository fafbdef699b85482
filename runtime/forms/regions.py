"""China's administrative divisions for address pickers: provinces, cities and districts as one
tree (built once, kept as JSON bytes and their gzip), and the streets of one division on demand.
Codes are the dataset's own (`44`, `4403`, `440305`, `440305007`), which address values accept."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any

from engines.form.data.divisions import divisions

TREE_DEPTH = 3  # province, city, district; streets (40 000 of them) load per district


def _children(parent: str | None, depth: int) -> list[dict[str, Any]]:
    d = divisions()
    out = []
    for name, code in sorted(d.children.get(parent, {}).items(), key=lambda item: item[1]):
        node: dict[str, Any] = {"code": code, "name": name}
        if depth + 1 < TREE_DEPTH:
            node["children"] = _children(code, depth + 1)
        out.append(node)
    return out


@lru_cache(maxsize=1)
def region_tree() -> tuple[bytes, bytes]:
    """The tree to district level as JSON, plain and gzipped."""
    body = json.dumps({"items": _children(None, 0)}, ensure_ascii=False, separators=(",", ":")).encode()
    return body, gzip.compress(body, mtime=0)


def region_children(code: str) -> list[dict[str, str]] | None:
    """The divisions directly under `code` (a district's streets); None for an unknown code."""
    d = divisions()
    if d.get(code) is None:
        return None
    return [{"code": c, "name": n} for n, c in sorted(d.children.get(code, {}).items(), key=lambda item: item[1])]
