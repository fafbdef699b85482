"""Rich text: HTML from the editor, sanitised with nh3 on every write so the stored value is inert.

The browser sanitises again on render (DOMPurify) and the CSP forbids inline script, but the
stored HTML alone must already be safe: no script, no event handlers, no `javascript:` URLs, no
styles beyond a few harmless properties. Spreadsheets carry the plain text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import nh3
from pydantic import BaseModel, ConfigDict, Field

from engines.form.columns import bad
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.textmatch import FragmentFilter

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "u", "s", "strike", "del", "ins", "sub", "sup", "mark", "small",
    "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}
_ALIGNABLE = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "li", "span")
ATTRIBUTES: dict[str, set[str]] = {tag: {"style"} for tag in _ALIGNABLE} | {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "ol": {"start"},
    "col": {"span"},
}
# Presentation only: nothing that positions, overlays or loads (no position, url(), content…).
STYLE_PROPERTIES = {
    "color", "background-color", "text-align", "font-weight", "font-style", "text-decoration",
    "font-size", "line-height", "text-indent", "padding-left", "margin-left",
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "figcaption"}


def sanitize_html(value: str) -> str:
    """The one sanitiser for user HTML (rich-text values, static descriptions in layouts)."""
    cleaned = nh3.clean(
        value.replace("\x00", ""),
        tags=TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )
    return cleaned.strip()


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str) -> str:
    parser = _TextOf()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return re.sub(r"\n{2,}", "\n", text).strip()


def text_to_html(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)


class RichTextOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_length: int = Field(50_000, ge=100, le=500_000, description="characters of HTML after sanitising")
    toolbar: list[str] | None = Field(None, max_length=40, description="editor buttons; null for the default set")


class RichTextField(FragmentFilter, FieldType):
    type = "rich_text"
    label = {"zh-CN": "富文本", "en": "Rich text"}
    description = {"zh-CN": "带格式的长文本：标题、列表、表格、链接和图片", "en": "Formatted text with headings, lists, tables, links and images"}
    group = "text"
    storage = StorageKind.TEXT
    sortable = False
    searchable = True
    Options = RichTextOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad("not_text", "Expected HTML text.", "应为 HTML 文本。")
        if len(value) > spec.options.max_length * 2:
            raise bad("too_long", f"At most {spec.options.max_length} characters.", f"最多 {spec.options.max_length} 个字符。")
        cleaned = sanitize_html(value)
        if len(cleaned) > spec.options.max_length:
            raise bad("too_long", f"At most {spec.options.max_length} characters.", f"最多 {spec.options.max_length} 个字符。")
        return cleaned if html_to_text(cleaned) or "<img src=" in cleaned else None

    def fragment(self, spec: FieldSpec, text: str) -> str:
        return html.escape(text, quote=False)  # stored HTML escapes &, < and >

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("contains", "not_contains", "empty", "not_empty")

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "contentMediaType": "text/html", "maxLength": spec.options.max_length * 2}

    def from_cell(self, spec: FieldSpec, cell: Any) -> Any:
        """A cell holds plain text (what `to_cell` writes): escaped, one paragraph per line."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        text = cell if isinstance(cell, str) else str(cell)
        return self.parse(spec, text_to_html(text.strip()))

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else html_to_text(value)

    def expr_value(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else html_to_text(value)
