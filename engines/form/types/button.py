"""A button on the form: open a link built from the record, or start a manual flow.

`url_template` may hold `{field_key}` placeholders; the runtime fills them URL-encoded from the
record the user is looking at. The template itself must be an http(s) address or a path of this
site, so a builder cannot plant a `javascript:` link.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.form.definition import KEY_PATTERN, I18nText
from engines.form.types.base import FieldSpec
from engines.form.types.layout import LayoutPiece

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KEY = re.compile(KEY_PATTERN)


class ButtonOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["open_url", "run_flow"]
    url_template: str | None = Field(None, max_length=2000)
    flow_key: str | None = Field(None, pattern=KEY_PATTERN)
    open_in: Literal["new_tab", "same_tab"] = "new_tab"
    confirm: I18nText | None = Field(None, description="ask before running the action")
    style: Literal["default", "primary", "danger"] = "default"

    @model_validator(mode="after")
    def _target(self) -> "ButtonOptions":
        if self.action == "open_url":
            if not self.url_template:
                raise ValueError("an 'open_url' button needs a url_template")
            check_url_template(self.url_template)
        elif not self.flow_key:
            raise ValueError("a 'run_flow' button needs a flow_key")
        return self


def check_url_template(template: str) -> None:
    for name in PLACEHOLDER.findall(template):
        if not _KEY.match(name):
            raise ValueError(f"'{{{name[:40]}}}' is not a field placeholder like {{customer_name}}")
    static = PLACEHOLDER.sub("x", template)
    if any(ord(ch) < 0x21 or ch in "\\{}" for ch in static):
        raise ValueError("the link may not contain spaces, control characters, backslashes or stray braces")
    lowered = template.lower()
    if not (lowered.startswith(("https://", "http://")) or (template.startswith("/") and not template.startswith("//"))):
        raise ValueError("the link must start with https://, http:// or / (a page of this site)")
    if lowered.startswith(("https://{", "http://{")):
        raise ValueError("the host of the link may not come from a placeholder")


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


class ButtonField(LayoutPiece):
    type = "button"
    label = {"zh-CN": "按钮", "en": "Button"}
    description = {"zh-CN": "打开一个链接或启动一个流程", "en": "Opens a link or starts a flow"}
    group = "action"
    Options = ButtonOptions

    def check_definition(self, spec: FieldSpec, form: Any) -> list[str]:
        if spec.options.action != "open_url":
            return []
        # The context lists the app's forms, not which one is being compiled: find this button's form.
        owners = [d for d in getattr(form, "forms", {}).values() if any(f.key == spec.key and f.type == self.type for f in d.fields)]
        if len(owners) != 1:
            return []
        known = {f.key for f in owners[0].fields} | {"id"}
        return [f"the link names unknown field '{name}'" for name in placeholders(spec.options.url_template) if name not in known]
