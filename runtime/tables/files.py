"""Uploaded files: one row per stored file; the bytes live on disk under a random key."""

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, UniqueConstraint

from core.types import IdType, UTCDateTime
from runtime.tables.base import metadata

files = Table(
    "files",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),  # random, URL-safe; also the name on disk
    Column("name", String(255), nullable=False),  # the user's file name, made safe to show
    Column("size", BigInteger, nullable=False),
    Column("content_type", String(255), nullable=False),  # sniffed for images, never trusted for serving
    Column("sha256", String(64), nullable=False),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_files_created_by", "created_by"),
    Index("ix_files_sha256", "sha256"),
)

# Which forms' records refer to a file: written when a record first names it, so a download can be
# allowed to everyone who may read such a record (the gate then checks the record itself).
file_refs = Table(
    "file_refs",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("file_id", IdType, ForeignKey("files.id", ondelete="CASCADE"), nullable=False),
    Column("form_id", IdType, ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("file_id", "form_id", name="uq_file_refs_file_form"),
)
