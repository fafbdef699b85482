"""China's administrative divisions (province, city, district, street), loaded once on first use.

Codes are the dataset's own digits per level (2, 4, 6 and 9 digits: `44`, `4403`, `440305`,
`440305007`); `gb_code` gives the zero-padded GB/T 2260 form used in stored values (`440300`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEVELS = ("province", "city", "district", "street")
_WIDTH = (2, 4, 6, 9)
# Pseudo levels of the source that people leave out when they write an address.
TRANSPARENT = ("市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划")
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "盟", "区", "县")
_GAP = re.compile(r"^[\s/,，、]+")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: int  # 0 province … 3 street

    @property
    def parent_code(self) -> str | None:
        return None if self.level == 0 else self.code[: _WIDTH[self.level - 1]]


@dataclass(frozen=True)
class Divisions:
    by_code: dict[str, Division]
    children: dict[str | None, dict[str, str]]  # parent code → child name → child code

    def get(self, code: str) -> Division | None:
        return self.by_code.get(code)

    def path(self, code: str) -> list[Division]:
        out: list[Division] = []
        division = self.by_code.get(code)
        while division is not None:
            out.append(division)
            division = self.by_code.get(division.parent_code) if division.parent_code else None
        return out[::-1]

    def child(self, parent: str | None, name: str) -> str | None:
        return self.children.get(parent, {}).get(name)

    def resolve(self, code: str, deepest: int = 3) -> Division | None:
        """A code in any common form (2/4/6/9/12 digits, zero-padded or not), at most `deepest`."""
        code = code.strip()
        if not code.isdigit():
            return None
        if len(code) == 12 and code.endswith("000"):
            code = code[:9]  # the statistics bureau's 12-digit form
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
        candidates = [code]
        if len(code) == 6:
            candidates += [code[:4]] if code.endswith("00") else []
            candidates += [code[:2]] if code.endswith("0000") else []
        for candidate in candidates:
            division = self.by_code.get(candidate)
            if division is not None and division.level <= deepest:
                return division
        return None


def gb_code(division: Division) -> str:
    return division.code.ljust(6, "0")


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    raw = json.loads((Path(__file__).parent / "china_divisions.json").read_text(encoding="utf-8"))["tree"]
    by_code: dict[str, Division] = {}
    children: dict[str | None, dict[str, str]] = {}

    def add(parent: str | None, code: str, name: str, level: int) -> None:
        by_code[code] = Division(code, name, level)
        children.setdefault(parent, {}).setdefault(name, code)

    for p, (p_name, cities) in raw.items():
        add(None, p, p_name, 0)
        for c, (c_name, districts) in cities.items():
            add(p, p + c, c_name, 1)
            for d, (d_name, streets) in districts.items():
                add(p + c, p + c + d, d_name, 2)
                for s, s_name in streets.items():
                    add(p + c + d, p + c + d + s, s_name, 3)
    return Divisions(by_code, children)


def province_codes() -> frozenset[str]:
    """Two-digit province codes, with Taiwan, Hong Kong and Macao (71, 81, 82) added."""
    return frozenset(code for code, d in divisions().by_code.items() if d.level == 0) | {"71", "81", "82"}


# -- reading an address written as text ---------------------------------------------------------


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _match(parent: str | None, text: str) -> tuple[str, str] | None:
    """The child of `parent` that `text` starts with (full name first, then short name)."""
    names = divisions().children.get(parent, {})
    for name in sorted(names, key=len, reverse=True):
        if text.startswith(name):
            return names[name], text[len(name):]
    for name in sorted(names, key=lambda n: len(_short(n)), reverse=True):
        if _short(name) != name and text.startswith(_short(name)):
            return names[name], text[len(_short(name)):]
    return None


def parse_text_address(text: str, depth: int) -> tuple[Division, str] | None:
    """Walk down the divisions along `text`; the rest is the detail line."""
    parent: str | None = None
    rest = text.strip()
    for level in range(depth + 1):
        found = _match(parent, rest)
        if found is None and parent is not None:
            # 市辖区 and friends, or a city without counties (东莞市 → 东莞市): people skip them.
            names = divisions().children.get(parent, {})
            skip = next((c for n, c in names.items() if n in TRANSPARENT or n == divisions().by_code[parent].name), None)
            found = (skip, rest) if skip else None
        if found is None:
            return None
        parent, rest = found[0], _GAP.sub("", found[1])
    return divisions().by_code[parent], rest.strip()


def division_named(text: str) -> Division | None:
    """A division by code (`440300`) or by path (`广东省/深圳市`)."""
    found = divisions().resolve(text)
    for depth in range(len(LEVELS)):
        if found is None and (match := parse_text_address(text, depth)) and not match[1]:
            found = match[0]
    return found
