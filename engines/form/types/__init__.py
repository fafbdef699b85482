"""The field-type registry. Each built-in is listed once here and registered at import."""

from __future__ import annotations

from core.registry import Registry
from engines.form.types.address import AddressField
from engines.form.types.base import FieldSpec, FieldType, FieldValueError, FormRefs, StorageKind
from engines.form.types.button import ButtonField
from engines.form.types.cascader import CascaderField
from engines.form.types.choice import CheckboxField, MultiSelectField, SingleSelectField
from engines.form.types.computed import AutoNumberField, FormulaField, LookupField, RollupField
from engines.form.types.contact import EmailField, PhoneField
from engines.form.types.files import AttachmentField
from engines.form.types.id_card import IdCardField
from engines.form.types.image import ImageField, SignatureField
from engines.form.types.layout import DescriptionField, SectionField, TabField
from engines.form.types.location import LocationField
from engines.form.types.number import MoneyField, NumberField, PercentField
from engines.form.types.people import DepartmentField, DepartmentsField, MemberField, MembersField
from engines.form.types.rating import RatingField
from engines.form.types.related_list import RelatedListField
from engines.form.types.relation import LinkField, LinksField, SubformField
from engines.form.types.rich_text import RichTextField
from engines.form.types.system import CreatedAtField, CreatedByField, UpdatedAtField, UpdatedByField
from engines.form.types.text import TextareaField, TextField
from engines.form.types.time import DateField, DateTimeField, TimeField
from engines.form.types.url import UrlField

BUILTIN_FIELD_TYPES: tuple[type[FieldType], ...] = (
    FormulaField,
    LookupField,
    RollupField,
    AutoNumberField,
    TextField,
    TextareaField,
    RichTextField,
    NumberField,
    MoneyField,
    PercentField,
    RatingField,
    DateField,
    DateTimeField,
    TimeField,
    CheckboxField,
    SingleSelectField,
    MultiSelectField,
    CascaderField,
    PhoneField,
    EmailField,
    UrlField,
    IdCardField,
    AddressField,
    LocationField,
    ImageField,
    AttachmentField,
    SignatureField,
    MemberField,
    MembersField,
    DepartmentField,
    DepartmentsField,
    LinkField,
    LinksField,
    SubformField,
    RelatedListField,
    CreatedByField,
    CreatedAtField,
    UpdatedByField,
    UpdatedAtField,
    SectionField,
    TabField,
    DescriptionField,
    ButtonField,
)

FIELD_TYPES: Registry[FieldType] = Registry("field types")
for _cls in BUILTIN_FIELD_TYPES:
    FIELD_TYPES.register(_cls())

__all__ = ["FIELD_TYPES", "BUILTIN_FIELD_TYPES", "FieldSpec", "FieldType", "FieldValueError", "FormRefs", "StorageKind"]
