"""Images and handwritten signatures: attachments limited to raster pictures the browser can show."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.form.types.base import FieldSpec, NoOptions
from engines.form.types.files import RASTER_TYPES, AttachmentField, MiB


class ImageOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_files: int = Field(9, ge=1, le=50)
    max_size: int = Field(10 * MiB, ge=1, le=100 * MiB, description="bytes per image")
    accept: list[Literal[RASTER_TYPES]] = Field(default_factory=lambda: list(RASTER_TYPES), min_length=1)  # type: ignore[valid-type]
    camera_only: bool = Field(False, description="on phones, take a photo instead of choosing a file (现场拍照)")


class ImageField(AttachmentField):
    type = "image"
    label = {"zh-CN": "图片", "en": "Image"}
    description = {"zh-CN": "JPEG、PNG、WebP 或 GIF 图片", "en": "JPEG, PNG, WebP or GIF pictures"}
    Options = ImageOptions


class SignatureField(AttachmentField):
    type = "signature"
    label = {"zh-CN": "手写签名", "en": "Signature"}
    description = {"zh-CN": "在屏幕上手写签名，保存为一张 PNG 图片", "en": "A handwritten signature drawn on screen, kept as one PNG"}
    Options = NoOptions

    def limits(self, spec: FieldSpec) -> tuple[int, int, list[str]]:
        return 1, 2 * MiB, ["image/png"]
