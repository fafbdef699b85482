"""Attachment, image and signature fields hold references to stored files, within their limits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engines.form.definition import FieldDef
from engines.form.types import FIELD_TYPES, FieldSpec, FieldValueError
from engines.form.types.files import safe_file_name

KEY, OTHER = "k" * 43, "Z9_-" * 8


def spec(type_key: str, **options) -> FieldSpec:
    field_type = FIELD_TYPES.get(type_key)
    field = FieldDef(key="f", type=type_key, label={"en": "F"}, options=options)
    return FieldSpec(field, field_type, field_type.parse_options(options))


def ref(key: str = KEY, **extra) -> dict:
    return {"key": key, "name": "report.pdf", "size": 1000, "content_type": "application/pdf", **extra}


def test_attachment_keeps_references_in_order():
    field = spec("attachment")
    assert field.type.parse(field, [ref(), OTHER]) == [ref(), {"key": OTHER}]
    assert field.type.parse(field, ref()) == [ref()]


@pytest.mark.parametrize(
    "value",
    [
        [ref(key="short")],
        [ref(key="../../etc/passwd" + "x" * 30)],
        [ref(url="https://evil.example/x")],
        [ref(size=-1)],
        [ref(size="10")],
        [ref(content_type="text/html; charset=utf-8")],
        [ref(), ref()],
        [{"name": "no key"}],
        "not a list",
    ],
)
def test_malformed_references_are_refused(value):
    field = spec("attachment")
    with pytest.raises(FieldValueError):
        field.type.parse(field, value if value != "not a list" else 42)


def test_limits_on_count_size_and_type():
    field = spec("attachment", max_files=1, max_size=500, accept=[".pdf", "image/*"])
    with pytest.raises(FieldValueError) as error:
        field.type.parse(field, [ref(), ref(key=OTHER)])
    assert error.value.code == "too_many_files"
    with pytest.raises(FieldValueError) as error:
        field.type.parse(field, [ref()])
    assert error.value.code == "file_too_large"
    small = {"size": 10}
    assert field.type.parse(field, [ref(**small, name="photo.JPG", content_type="image/jpeg")])
    with pytest.raises(FieldValueError) as error:
        field.type.parse(field, [ref(**small, name="run.exe", content_type="application/x-msdownload")])
    assert error.value.code == "file_type"


def test_images_accept_raster_pictures_only():
    field = spec("image")
    assert field.type.parse(field, [ref(name="a.webp", content_type="image/webp")])
    for content_type in ("image/svg+xml", "text/html", "application/pdf"):
        with pytest.raises(FieldValueError):
            field.type.parse(field, [ref(name="a", content_type=content_type)])
    with pytest.raises(ValidationError):
        FIELD_TYPES.get("image").parse_options({"accept": ["image/svg+xml"]})


def test_a_signature_is_one_png():
    field = spec("signature")
    assert field.type.parse(field, [ref(name="sig.png", content_type="image/png")])
    with pytest.raises(FieldValueError):
        field.type.parse(field, [ref(name="sig.jpg", content_type="image/jpeg")])
    with pytest.raises(FieldValueError):
        field.type.parse(field, [ref(name="a.png", content_type="image/png"), ref(key=OTHER, content_type="image/png")])


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
        ("report\x00.pdf\r\n", "report.pdf"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("..", "file"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("合同 2024.pdf", "合同 2024.pdf"),
    ],
)
def test_file_names_are_made_safe_to_show(name, shown):
    assert safe_file_name(name) == shown


def test_file_cells_name_each_file_and_read_back_the_keys():
    field = spec("attachment")
    value = field.type.parse(field, [ref(), ref(key=OTHER, name="b <x>.pdf")])
    cell = field.type.to_cell(field, value)
    assert cell == f"report.pdf <{KEY}>\nb <x>.pdf <{OTHER}>"
    assert field.type.from_cell(field, cell) == [{"key": KEY, "name": "report.pdf"}, {"key": OTHER, "name": "b <x>.pdf"}]
    assert field.type.from_cell(field, f'[{{"key": "{KEY}"}}]') == [{"key": KEY}]


def test_accept_patterns_are_checked_when_designing():
    for accept in ([".PDF"], ["pdf"], ["image/"], ["<script>"]):
        with pytest.raises(ValidationError):
            FIELD_TYPES.get("attachment").parse_options({"accept": accept})
